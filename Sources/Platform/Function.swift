/// A serverless function as the platform describes it. Field names follow
/// Function Compute 3.0's JSON so FC tooling and porthole read the same shapes.
public struct Function: Codable, Sendable, Equatable {
    public var functionName: String
    public var runtime: String
    public var description: String?
    public var memorySize: Int?
    public var instanceConcurrency: Int?
    public var idleTimeout: Int?
    public var environmentVariables: [String: String]?
    public var customRuntimeConfig: CustomRuntimeConfig?
    /// Porthole extensions (FC clients ignore unknown fields).
    public var provisioned: Int?
    public var maxInstances: Int?
    public var invocations: Int?
    public var liveInstances: Int?
    public var activeRequests: Int?

    public init(
        functionName: String, runtime: String = "custom", description: String? = nil,
        memorySize: Int? = nil, instanceConcurrency: Int? = nil, idleTimeout: Int? = nil,
        environmentVariables: [String: String]? = nil, customRuntimeConfig: CustomRuntimeConfig? = nil,
        provisioned: Int? = nil, maxInstances: Int? = nil, invocations: Int? = nil,
        liveInstances: Int? = nil, activeRequests: Int? = nil
    ) {
        self.functionName = functionName
        self.runtime = runtime
        self.description = description
        self.memorySize = memorySize
        self.instanceConcurrency = instanceConcurrency
        self.idleTimeout = idleTimeout
        self.environmentVariables = environmentVariables
        self.customRuntimeConfig = customRuntimeConfig
        self.provisioned = provisioned
        self.maxInstances = maxInstances
        self.invocations = invocations
        self.liveInstances = liveInstances
        self.activeRequests = activeRequests
    }
}

/// How a custom runtime is started: the command and the port it listens on.
public struct CustomRuntimeConfig: Codable, Sendable, Equatable {
    public var command: [String]
    public var args: [String]?
    public var port: Int?

    public init(command: [String], args: [String]? = nil, port: Int? = nil) {
        self.command = command
        self.args = args
        self.port = port
    }
}
