/// Everything a platform knows about one instance, for the detail view.
public struct InstanceDetail: Codable, Sendable, Equatable {
    public var instance: Instance
    /// Recent lifecycle events, oldest first.
    public var events: [LifecycleEvent]
    /// Backend-specific facts as label/value pairs ("port": "41234", "pid": "812", …).
    public var facts: [String: String]

    public init(instance: Instance, events: [LifecycleEvent], facts: [String: String]) {
        self.instance = instance
        self.events = events
        self.facts = facts
    }
}

/// One thing that happened to an instance (started, running, released, …).
public struct LifecycleEvent: Codable, Sendable, Equatable {
    public var timeMs: Int64
    public var message: String

    public init(timeMs: Int64, message: String) {
        self.timeMs = timeMs
        self.message = message
    }
}
