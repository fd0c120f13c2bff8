import Platform

/// Function Compute 3.0's JSON, read leniently: every field FC may leave out is optional.
struct FCFunction: Decodable {
    var functionName: String
    var runtime: String?
    var description: String?
    var memorySize: Int?
    var cpu: Double?
    var instanceConcurrency: Int?
    var idleTimeout: Int?
    var environmentVariables: [String: String]?
    var customRuntimeConfig: RuntimeConfig?

    struct RuntimeConfig: Decodable {
        var command: [String]?
        var args: [String]?
        var port: Int?
    }

    var model: Function {
        Function(
            functionName: functionName, runtime: runtime ?? "unknown", description: description,
            memorySize: memorySize, instanceConcurrency: instanceConcurrency, idleTimeout: idleTimeout,
            environmentVariables: environmentVariables,
            customRuntimeConfig: customRuntimeConfig.map {
                CustomRuntimeConfig(command: $0.command ?? [], args: $0.args, port: $0.port)
            })
    }
}

struct FCFunctionList: Decodable {
    var functions: [FCFunction]?
    var nextToken: String?
}

struct FCInstance: Decodable {
    var instanceId: String
    var status: String?
    var versionId: String?
    var qualifier: String?
    var createdTimeMs: Int64?

    /// What FC tells, and nothing more: ListInstances has no CPU or memory.
    func model(function: String) -> Instance {
        Instance(
            instanceId: instanceId, functionName: function, status: Self.status(status), createdTimeMs: createdTimeMs ?? 0,
            versionId: versionId ?? "", qualifier: qualifier ?? "", metrics: nil)
    }

    static func status(_ text: String?) -> InstanceStatus {
        let value = (text ?? "").lowercased()
        if value.contains("stopping") || value.contains("destroying") { return .stopping }
        if value.contains("stop") || value.contains("destroy") || value.contains("release") { return .released }
        if value.contains("fail") || value.contains("error") { return .failed }
        if value.contains("start") || value.contains("creat") || value.contains("pending") { return .starting }
        // ListInstances with withAllActive lists active instances.
        return .running
    }
}

struct FCInstanceList: Decodable {
    var instances: [FCInstance]?
    var requestId: String?
}

struct FCProvisionConfig: Decodable {
    var defaultTarget: Int?
    var current: Int?
    var target: Int?
}

/// FC 3.0 errors carry `Code`/`Message`, FC 2.0 `ErrorCode`/`ErrorMessage`.
struct FCErrorBody: Decodable {
    var Code: String?
    var Message: String?
    var ErrorCode: String?
    var ErrorMessage: String?
    var RequestId: String?
}
