/// Where an instance is in its life. Raw values are the strings on the wire.
public enum InstanceStatus: String, Codable, Sendable, CaseIterable {
    case starting = "Starting"
    case running = "Running"
    case stopping = "Stopping"
    case released = "Released"
    case failed = "Failed"
    /// Failed, and its function keeps failing: the next start waits (exponential
    /// backoff); the instance's end reason says why and when.
    case crashLoop = "CrashLoop"

    /// Exec is allowed only on live instances (platform rule 1).
    public var isLive: Bool { self == .starting || self == .running }
}
