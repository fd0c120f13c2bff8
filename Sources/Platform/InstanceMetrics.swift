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
    /// The instance's kind where "provisioned" or "on demand" does not apply: a
    /// Kubernetes pod's workload, short as kubectl names it (`ksvc`, `deploy`,
    /// `sts`…). nil: `provisioned` says.
    public var kind: String?
    /// false where the platform does not count requests, invocations and exec
    /// sessions per instance (a pod's requests go through its Service, never
    /// through porthole): those figures show "—". nil (older servers) means true.
    public var countsRequests: Bool?

    /// Whether `activeRequests`, `invocations`, `errors` and `execSessions` are real counts.
    public var requestsAreCounted: Bool { countsRequests ?? true }

    public init(
        cpuPercent: Double? = nil, memoryBytes: Int64? = nil, memoryLimitBytes: Int64? = nil,
        activeRequests: Int = 0, instanceConcurrency: Int = 1, execSessions: Int = 0,
        invocations: Int = 0, errors: Int = 0, uptimeSeconds: Double = 0, idleSeconds: Double? = nil,
        provisioned: Bool = false, isolation: String = "process", coldStartMs: Double? = nil,
        endReason: String? = nil, kind: String? = nil, countsRequests: Bool? = nil
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
        self.kind = kind
        self.countsRequests = countsRequests
    }
}

extension InstanceMetrics {
    /// The KIND column: the platform's own kind, else provisioned or on demand.
    public var kindText: String { kind ?? (provisioned ? "prov" : "ond") }

    /// The REQ column: requests in flight of the concurrency; where the platform
    /// does not count requests, "—" in flight (of the concurrency when it states one).
    public var requestsText: String {
        if requestsAreCounted { return "\(activeRequests)/\(instanceConcurrency)" }
        return instanceConcurrency > 0 ? "—/\(instanceConcurrency)" : "—"
    }

    /// The EXEC column: exec sessions open, "—" where the platform does not count them.
    public var execSessionsText: String { requestsAreCounted ? String(execSessions) : "—" }
}
