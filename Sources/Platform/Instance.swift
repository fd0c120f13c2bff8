/// One running (or recently ended) instance of a function. The first fields are
/// Function Compute 3.0's ListInstances shape; `functionName` and `metrics` are
/// porthole extensions.
public struct Instance: Codable, Sendable, Equatable {
    public var instanceId: String
    public var functionName: String
    public var versionId: String
    public var qualifier: String
    public var status: InstanceStatus
    public var createdTimeMs: Int64
    public var metrics: InstanceMetrics?
    /// The containers an exec can choose between, where an instance has
    /// several (a Kubernetes pod); nil where it has one.
    public var containers: [String]?
    /// The one an exec goes to when none is named (a pod's
    /// `kubectl.kubernetes.io/default-container`, else its first).
    public var defaultContainer: String?

    public init(
        instanceId: String, functionName: String, status: InstanceStatus, createdTimeMs: Int64,
        versionId: String = "0", qualifier: String = "LATEST", metrics: InstanceMetrics? = nil,
        containers: [String]? = nil, defaultContainer: String? = nil
    ) {
        self.instanceId = instanceId
        self.functionName = functionName
        self.versionId = versionId
        self.qualifier = qualifier
        self.status = status
        self.createdTimeMs = createdTimeMs
        self.metrics = metrics
        self.containers = containers
        self.defaultContainer = defaultContainer
    }
}
