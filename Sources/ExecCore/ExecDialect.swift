/// The framing a connection speaks, chosen by the WebSocket subprotocol.
public enum ExecDialect: String, Sendable, CaseIterable {
    /// `v5.channel.k8s.io`: channels 0–4 plus 255 (stdin close).
    case v5 = "v5.channel.k8s.io"
    /// `v4.channel.k8s.io`: channels 0–4; stdin EOF cannot be signalled.
    case v4 = "v4.channel.k8s.io"
    /// Function Compute's dialect, used when no subprotocol is asked for:
    /// 1 stdout, 2 stderr, 3 server error text; stdin is `"\0"+data` text or raw binary.
    case functionCompute = ""

    /// Picks the dialect for a request's `Sec-WebSocket-Protocol` list: v5 is
    /// preferred, then v4; no list means Function Compute. Returns nil when the
    /// client asked only for protocols this server does not speak.
    public static func negotiate(offered: [String]) -> ExecDialect? {
        let names = offered.flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: " \t") }
            .filter { !$0.isEmpty }
        if names.isEmpty { return .functionCompute }
        if names.contains(ExecDialect.v5.rawValue) { return .v5 }
        if names.contains(ExecDialect.v4.rawValue) { return .v4 }
        return nil
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var scalars = Substring(self)
        while let first = scalars.first, set.contains(first) { scalars.removeFirst() }
        while let last = scalars.last, set.contains(last) { scalars.removeLast() }
        return String(scalars)
    }
}
