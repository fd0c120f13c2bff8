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

    public init(
        instanceId: String, functionName: String, status: InstanceStatus, createdTimeMs: Int64,
        versionId: String = "0", qualifier: String = "LATEST", metrics: InstanceMetrics? = nil
    ) {
        self.instanceId = instanceId
        self.functionName = functionName
        self.versionId = versionId
        self.qualifier = qualifier
        self.status = status
        self.createdTimeMs = createdTimeMs
        self.metrics = metrics
    }
}
