/// How a recorded session ended, kept in the recording's last marker event so
/// a replay (or an auditor) knows it without the audit log.
public enum RecordedEnd: Sendable, Equatable, CustomStringConvertible {
    /// The command exited with this code.
    case exitCode(Int32)
    /// The session ended without an exit code (instance released, idle timeout, connection lost…).
    case reason(String)

    static let exitPrefix = "exit "
    static let reasonPrefix = "ended: "

    /// The marker label: "exit 3" or "ended: idle timeout: …".
    public var markerLabel: String {
        switch self {
        case .exitCode(let code): return Self.exitPrefix + String(code)
        case .reason(let why): return Self.reasonPrefix + why
        }
    }

    /// Reads a marker label written by `markerLabel`; nil for any other marker.
    public init?(markerLabel: String) {
        if markerLabel.hasPrefix(Self.exitPrefix), let code = Int32(markerLabel.dropFirst(Self.exitPrefix.count)) {
            self = .exitCode(code)
        } else if markerLabel.hasPrefix(Self.reasonPrefix) {
            self = .reason(String(markerLabel.dropFirst(Self.reasonPrefix.count)))
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .exitCode(let code): return "exited with code \(code)"
        case .reason(let why): return why
        }
    }
}
