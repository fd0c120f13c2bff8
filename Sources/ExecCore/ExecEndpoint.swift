/// Where an exec server listens and how to authenticate to it.
public struct ExecEndpoint: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// Sent as `Authorization: Bearer TOKEN` when set.
    public var bearerToken: String?

    public init(host: String, port: Int, bearerToken: String? = nil) {
        self.host = host
        self.port = port
        self.bearerToken = bearerToken
    }
}

/// Why an exec session could not start.
public enum ExecConnectError: Error, Equatable, CustomStringConvertible {
    /// Nothing accepted the connection.
    case unreachable(host: String, port: Int, reason: String)
    /// The server answered the upgrade with an HTTP error (404 unknown instance,
    /// 410 released, 401 token, 400 bad query); `body` is its JSON error.
    case rejected(status: Int, body: [UInt8])
    /// The server chose a subprotocol this client did not offer.
    case unsupportedProtocol(String)

    public var description: String {
        switch self {
        case .unreachable(let host, let port, let reason):
            return "cannot connect to \(host):\(port): \(reason)"
        case .rejected(let status, let body):
            return "exec refused with HTTP \(status): \(String(decoding: body, as: UTF8.self))"
        case .unsupportedProtocol(let name):
            return "the server chose the unknown exec subprotocol \"\(name)\""
        }
    }
}
