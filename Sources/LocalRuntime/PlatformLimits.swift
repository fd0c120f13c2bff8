import Foundation

/// Caps of one server, so a spec or a burst cannot start processes without
/// bound: from the spec file's `limits:` mapping, overridden by `porthole serve`
/// flags.
public struct PlatformLimits: Sendable, Equatable {
    /// Live instances across all functions. A spec whose provisioned instances
    /// add up to more is refused; past it, on-demand starts answer 429.
    public var maxInstances = 200
    /// Instance starts per second across all functions; more wait their turn.
    public var startsPerSecond = 20

    public init(maxInstances: Int = 200, startsPerSecond: Int = 20) {
        self.maxInstances = maxInstances
        self.startsPerSecond = startsPerSecond
    }

    /// Where `maxInstances` came from, for error messages.
    var maxInstancesSource = "the default"
}
