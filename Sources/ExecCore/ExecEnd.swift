/// Why an exec session ended, as a client sees it.
public enum ExecEnd: Sendable, Equatable, CustomStringConvertible {
    /// The command exited (a signal N shows as 128+N).
    case exited(code: Int32)
    /// The instance was released (idle timeout or scale-in) while the session was open.
    case instanceReleased(message: String)
    /// The instance's process died; the session died with it.
    case instanceFailed(message: String)
    /// No data in either direction for the session's idle timeout.
    case idleTimeout(message: String)
    /// The command does not exist in the instance.
    case commandNotFound(message: String)
    /// The connection dropped without a status.
    case connectionLost(reason: String)
    /// The server sent nothing, not even a pong, for the keepalive timeout
    /// (frozen, or its host unreachable); the client gave up on it.
    case serverUnresponsive(message: String)
    /// The server ended the session for another reason.
    case failed(reason: String, message: String)
    /// The session closed normally on a platform that reports no exit code
    /// (Function Compute): it ended, how the command fared is unknown.
    case ended(message: String)

    /// Maps a status frame to an end.
    public init(status: ExecStatus) {
        if status.status == "Success" {
            self = .exited(code: 0)
            return
        }
        let message = status.message ?? status.reason ?? "session failed"
        switch status.reason {
        case ExecStatus.Reason.nonZeroExitCode:
            self = .exited(code: status.exitCode ?? 1)
        case ExecStatus.Reason.instanceReleased: self = .instanceReleased(message: message)
        case ExecStatus.Reason.instanceFailed: self = .instanceFailed(message: message)
        case ExecStatus.Reason.idleTimeout: self = .idleTimeout(message: message)
        case ExecStatus.Reason.commandNotFound: self = .commandNotFound(message: message)
        default: self = .failed(reason: status.reason ?? "Unknown", message: message)
        }
    }

    /// The exit code a CLI should return: the remote one, 127 for a missing
    /// command, 255 when the session ended without one (as ssh does).
    public var exitCode: Int32 {
        switch self {
        case .exited(let code): return code
        case .commandNotFound: return 127
        default: return 255
        }
    }

    /// A short phrase for pane titles and status lines.
    public var summary: String {
        switch self {
        case .exited(let code): return "exited \(code)"
        case .instanceReleased: return "instance released"
        case .instanceFailed: return "instance failed"
        case .idleTimeout: return "idle timeout"
        case .commandNotFound: return "command not found"
        case .connectionLost: return "connection lost"
        case .serverUnresponsive: return "server not answering"
        case .failed(let reason, _): return "failed (\(reason))"
        case .ended: return "ended"
        }
    }

    /// The full sentence, for a user.
    public var description: String {
        switch self {
        case .exited(let code): return "command exited with code \(code)"
        case .instanceReleased(let m), .instanceFailed(let m), .idleTimeout(let m),
            .commandNotFound(let m), .serverUnresponsive(let m):
            return m
        case .connectionLost(let reason): return "connection lost: \(reason)"
        case .failed(_, let message): return message
        case .ended(let message): return message
        }
    }
}
