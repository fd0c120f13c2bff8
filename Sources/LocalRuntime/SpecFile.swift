import Foundation

/// What a spec file holds: its functions, the caps of the server that runs
/// them, and the service name FC 2.0 paths use (`service:`, default `porthole`).
public struct SpecFile: Sendable {
    public var functions: [FunctionSpec]
    public var limits: PlatformLimits
    public var service: String

    public init(functions: [FunctionSpec], limits: PlatformLimits = PlatformLimits(),
                service: String = SpecLoader.defaultServiceName) {
        self.functions = functions
        self.limits = limits
        self.service = service
    }
}
