import Foundation
import Platform

/// One function of a local platform spec file, with Serverless Devs / Function
/// Compute 3.0 field names.
public struct FunctionSpec: Sendable, Equatable {
    public var functionName: String
    public var runtime: String = "custom"
    public var description: String?
    /// Absolute path of the code directory (the spec gives it relative to the spec file).
    public var codeDirectory: URL
    public var command: [String]
    public var args: [String] = []
    /// The port the runtime listens on is chosen per instance and passed in `$PORT`;
    /// this is only what the spec said, kept for display.
    public var port: Int?
    public var environmentVariables: [String: String] = [:]
    public var instanceConcurrency: Int = 1
    /// MB.
    public var memorySize: Int = 128
    public var provisioned: Int = 0
    /// Seconds an on-demand instance may stay idle before it is released.
    public var idleTimeout: Int = 60
    public var maxInstances: Int = 10
    /// Seconds one invocation may take.
    public var timeout: Int = 60

    public init(functionName: String, codeDirectory: URL, command: [String]) {
        self.functionName = functionName
        self.codeDirectory = codeDirectory
        self.command = command
    }

    /// The FC-shaped description served by the API.
    public var function: Function {
        Function(
            functionName: functionName, runtime: runtime, description: description, memorySize: memorySize,
            instanceConcurrency: instanceConcurrency, idleTimeout: idleTimeout,
            environmentVariables: environmentVariables,
            customRuntimeConfig: CustomRuntimeConfig(command: command, args: args.isEmpty ? nil : args, port: port),
            provisioned: provisioned, maxInstances: maxInstances)
    }
}
