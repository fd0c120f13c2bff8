/// Why a platform call failed, phrased for the person who made it.
public enum PlatformError: Error, Equatable, CustomStringConvertible {
    /// Nothing answered at the server address.
    case unreachable(server: String, reason: String)
    /// The server may be fine, but every connection this client may open to it
    /// is held (by followed logs), and none came free in time.
    case connectionsBusy(server: String, limit: Int)
    /// The server refused the credentials.
    case unauthorized(message: String)
    /// Unknown function or instance.
    case notFound(code: String, message: String)
    /// The instance was released or failed: it cannot be exec'd any more.
    case gone(code: String, message: String)
    /// Any other error the server reported, with its HTTP status and code.
    case api(status: Int, code: String, message: String)
    /// The server's answer could not be read.
    case badResponse(String)
    /// Bad configuration (contexts, specs, themes) — the message names the file and key.
    case configuration(String)
    /// The platform has no such feature; the message says where to look instead.
    case unsupported(String)
    /// A stream (a followed log) that had started broke off before its end.
    case interrupted(String)

    public var description: String {
        switch self {
        case .unreachable(let server, let reason):
            return "cannot reach a porthole server at \(server) (\(reason)); start one with `porthole serve`, or point at one with --server URL or PORTHOLE_SERVER"
        case .connectionsBusy(let server, let limit):
            return "no connection to the porthole server at \(server) came free in time: all \(limit) may be held by open streams (followed logs), so close some"
        case .unauthorized(let message): return message
        case .notFound(_, let message), .gone(_, let message): return message
        case .api(let status, let code, let message): return "\(message) (HTTP \(status) \(code))"
        case .badResponse(let why): return "unreadable answer from the server: \(why)"
        case .configuration(let message): return message
        case .unsupported(let message), .interrupted(let message): return message
        }
    }
}
