import ExecCore

/// What the console, the CLI and library users need from a platform. The local
/// platform, Kubernetes and Function Compute each implement it; callers never
/// know which one they talk to.
public protocol PlatformBackend: AnyObject, Sendable {
    /// A short name for status lines: "local (embedded)", "local 127.0.0.1:7878", "k8s prod".
    var displayName: String { get }

    /// Every function the platform has.
    func listFunctions() async throws -> [Function]

    /// Instances with metrics: of one function, or of every function when `function` is nil
    /// (one request, so a console refresh of 10,000 instances stays cheap).
    func listInstances(function: String?) async throws -> [Instance]

    /// Everything known about one instance, with its recent lifecycle events.
    func describeInstance(function: String, id: String) async throws -> InstanceDetail

    /// Opens an exec session on a live instance. Throws `PlatformError` before the
    /// session starts (unknown or released instance, auth); after that, how the
    /// session ended is the session's `end`.
    func openExec(_ request: ExecRequest, handlers: ExecCallbacks) async throws -> ExecSession

    /// Invokes a function once; returns the response body and the instance that served it.
    func invoke(function: String, body: [UInt8]) async throws -> Invocation

    /// Sets how many provisioned instances a function keeps.
    func setProvisioned(function: String, target: Int) async throws

    /// How the platform times out an idle exec session (default: it does not).
    var execIdleRule: ExecIdleRule { get }

    /// An instance's output log (stdout and stderr as the platform keeps them),
    /// in chunks as they arrive. Throws `PlatformError` before the first byte
    /// (unknown instance, a platform whose logs porthole cannot read); a failure
    /// later (the connection dropped) ends the stream with that error. Without
    /// `follow` the stream ends at the log's current end; with it, once the
    /// instance has ended and its log is read. Ending the iteration (or
    /// cancelling its task) closes the request.
    func streamLogs(_ request: LogRequest) async throws -> LogStream
}

/// Chunks of an instance's log, in order; see `PlatformBackend.streamLogs`.
public typealias LogStream = AsyncThrowingStream<[UInt8], any Error>

/// The answer to one invocation.
public struct Invocation: Sendable, Equatable {
    public var status: Int
    public var body: [UInt8]
    public var instanceId: String?

    public init(status: Int, body: [UInt8], instanceId: String?) {
        self.status = status
        self.body = body
        self.instanceId = instanceId
    }
}

extension PlatformBackend {
    public var execIdleRule: ExecIdleRule { .none }

    public func streamLogs(_ request: LogRequest) async throws -> LogStream {
        throw PlatformError.unsupported("\(displayName) keeps no instance logs porthole can read; look inside the instance with `porthole exec \(request.instanceId)`")
    }

    /// Finds the instance with this id among all functions, so a user can name an
    /// instance alone (`porthole exec c-1234`).
    public func findInstance(id: String) async throws -> Instance {
        let all = try await listInstances(function: nil)
        if let match = all.first(where: { $0.instanceId == id }) { return match }
        throw PlatformError.notFound(
            code: "InstanceNotFound",
            message: "no instance \(id) on \(displayName); run `porthole instances` to list the live ones")
    }
}
