/// What to read of one instance's output log, with `kubectl logs`' options.
public struct LogRequest: Sendable, Equatable {
    public var function: String
    public var instanceId: String
    /// Kubernetes: the container to read (nil: the pod's default). Other platforms run one.
    public var container: String?
    /// Keep the stream open and pass new output as it is written, until the instance ends.
    public var follow: Bool
    /// Only the last N lines already written (nil: everything the platform keeps).
    public var tailLines: Int?
    /// Kubernetes: the previous run of a restarted container ("why did it crash?").
    public var previous: Bool

    public init(function: String, instanceId: String, container: String? = nil,
                follow: Bool = false, tailLines: Int? = nil, previous: Bool = false) {
        self.function = function
        self.instanceId = instanceId
        self.container = container
        self.follow = follow
        self.tailLines = tailLines
        self.previous = previous
    }
}
