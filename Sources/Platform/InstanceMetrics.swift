/// Live numbers for one instance, sampled by the platform. Optional fields are
/// the ones a backend may not know (Function Compute has no per-instance CPU in
/// its API): show "—" for them rather than inventing a value.
public struct InstanceMetrics: Codable, Sendable, Equatable {
    public var cpuPercent: Double?
    public var memoryBytes: Int64?
    public var memoryLimitBytes: Int64?
    public var activeRequests: Int
    public var instanceConcurrency: Int
    public var execSessions: Int
    public var invocations: Int
    public var errors: Int
    public var uptimeSeconds: Double
    /// nil where the platform cannot tell (a Kubernetes pod has no notion of idle).
    public var idleSeconds: Double?
    public var provisioned: Bool
    /// "namespaces" when the instance has its own pid/mount/uts namespaces, "process" otherwise.
    public var isolation: String
    public var coldStartMs: Double?
    /// Why a failed instance failed, or when a released one was released.
    public var endReason: String?

    public init(
        cpuPercent: Double? = nil, memoryBytes: Int64? = nil, memoryLimitBytes: Int64? = nil,
        activeRequests: Int = 0, instanceConcurrency: Int = 1, execSessions: Int = 0,
        invocations: Int = 0, errors: Int = 0, uptimeSeconds: Double = 0, idleSeconds: Double? = nil,
        provisioned: Bool = false, isolation: String = "process", coldStartMs: Double? = nil,
        endReason: String? = nil
    ) {
        self.cpuPercent = cpuPercent
        self.memoryBytes = memoryBytes
        self.memoryLimitBytes = memoryLimitBytes
        self.activeRequests = activeRequests
        self.instanceConcurrency = instanceConcurrency
        self.execSessions = execSessions
        self.invocations = invocations
        self.errors = errors
        self.uptimeSeconds = uptimeSeconds
        self.idleSeconds = idleSeconds
        self.provisioned = provisioned
        self.isolation = isolation
        self.coldStartMs = coldStartMs
        self.endReason = endReason
    }
}
