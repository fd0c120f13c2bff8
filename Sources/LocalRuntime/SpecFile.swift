import Foundation

/// What a spec file holds: its functions and the caps of the server that runs them.
public struct SpecFile: Sendable {
    public var functions: [FunctionSpec]
    public var limits: PlatformLimits

    public init(functions: [FunctionSpec], limits: PlatformLimits = PlatformLimits()) {
        self.functions = functions
        self.limits = limits
    }
}
