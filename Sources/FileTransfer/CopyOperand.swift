/// One side of `porthole cp`, parsed the way `kubectl cp` and `docker cp`
/// read theirs: `INSTANCE:PATH` is in an instance, `-` is stdin or stdout,
/// anything else is local. A local name with a colon is written `./a:b`.
public enum CopyOperand: Equatable, Sendable, CustomStringConvertible {
    case local(String)
    case standardStream
    case remote(instance: String, path: String)

    public static func parse(_ text: String) throws -> CopyOperand {
        if text == "-" { return .standardStream }
        if text.isEmpty { throw TransferError.badArgument("an empty path; give INSTANCE:PATH or a local path") }
        if text.hasPrefix("/") || text.hasPrefix(".") { return .local(text) }
        guard let colon = text.firstIndex(of: ":") else { return .local(text) }
        let instance = String(text[..<colon])
        // "dir/a:b" is a local path with a colon in it.
        if instance.contains("/") { return .local(text) }
        let path = String(text[text.index(after: colon)...])
        guard !path.isEmpty else {
            throw TransferError.badArgument("\(text): no path after the colon; write \(instance):/path/in/the/instance")
        }
        return .remote(instance: instance, path: path)
    }

    public var description: String {
        switch self {
        case .local(let path): return path
        case .standardStream: return "-"
        case .remote(let instance, let path): return "\(instance):\(path)"
        }
    }
}
