/// The JSON sent on the status channel when a session ends: Kubernetes'
/// `metav1.Status`, as docs/PROTOCOL.md §1 shows it.
public struct ExecStatus: Codable, Sendable, Equatable {
    public struct Cause: Codable, Sendable, Equatable {
        public var reason: String?
        public var message: String?
    }
    public struct Details: Codable, Sendable, Equatable {
        public var causes: [Cause]?
    }
    public struct Metadata: Codable, Sendable, Equatable {}

    public var metadata: Metadata
    public var status: String
    public var message: String?
    public var reason: String?
    public var details: Details?

    public init(status: String, message: String? = nil, reason: String? = nil, details: Details? = nil) {
        self.metadata = Metadata()
        self.status = status
        self.message = message
        self.reason = reason
        self.details = details
    }

    /// Reasons porthole's server uses besides `NonZeroExitCode`.
    public enum Reason {
        public static let nonZeroExitCode = "NonZeroExitCode"
        public static let instanceReleased = "InstanceReleased"
        public static let instanceFailed = "InstanceFailed"
        public static let idleTimeout = "IdleTimeout"
        public static let commandNotFound = "CommandNotFound"
        public static let internalError = "InternalError"
        /// The client went silent (no frame, no pong) for the keepalive timeout.
        public static let clientUnresponsive = "ClientUnresponsive"
    }

    /// The status for a process that exited with `code` (0 is success).
    public static func exited(_ code: Int32) -> ExecStatus {
        if code == 0 { return ExecStatus(status: "Success") }
        return ExecStatus(
            status: "Failure",
            message: "command terminated with non-zero exit code: \(code)",
            reason: Reason.nonZeroExitCode,
            details: Details(causes: [Cause(reason: "ExitCode", message: String(code))]))
    }

    /// A session that ended for a reason other than the process exiting.
    public static func failure(reason: String, message: String, exitCode: Int32? = nil) -> ExecStatus {
        let details = exitCode.map { Details(causes: [Cause(reason: "ExitCode", message: String($0))]) }
        return ExecStatus(status: "Failure", message: message, reason: reason, details: details)
    }

    /// The exit code carried in `details.causes`, if any.
    public var exitCode: Int32? {
        if status == "Success" { return 0 }
        for cause in details?.causes ?? [] where cause.reason == "ExitCode" {
            if let text = cause.message, let code = Int32(text) { return code }
        }
        return nil
    }
}
