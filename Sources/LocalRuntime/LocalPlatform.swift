import ExecCore
import Foundation
import Platform

/// The embedded serverless platform: starts instances as real processes, routes
/// invocations to free concurrency slots, releases idle on-demand instances,
/// keeps provisioned ones, samples metrics, and runs exec sessions inside
/// instances.
///
/// `@unchecked Sendable`: every mutable stored property (declared below
/// `lock`) is read and written only while `lock` is held, by this file and the
/// LocalPlatform+*.swift extensions; the rest are constants.
public final class LocalPlatform: @unchecked Sendable {
    public struct Options: Sendable {
        /// nil: namespaces where the host allows them, else plain processes.
        public var isolation: Isolation?
        public var stateDirectory: StateDirectory
        /// SIGTERM → SIGKILL grace when stopping an instance.
        public var stopGrace: TimeInterval = 3
        /// How long a released/failed instance is remembered (exec on it gets 410).
        public var tombstoneSeconds: TimeInterval = 600
        /// How long an ended instance still appears in instance lists (so a console row can fade).
        public var listEndedSeconds: TimeInterval = 30
        /// How long an instance may take to listen on $PORT.
        public var startTimeout: TimeInterval = 15
        /// How long an invocation waits for a free slot when every instance is busy and none may be added.
        public var slotWait: TimeInterval = 10
        public var sampleInterval: TimeInterval = 1
        /// Caps on live instances and starts per second (README "Limits").
        public var limits = PlatformLimits()
        /// How instances that keep failing are restarted.
        public var restartBackoff = RestartBackoff()
        /// Output logs of ended instances kept per function (the newest); a live instance's log is never removed.
        public var logsKeptPerFunction = 10
        /// Exec keepalive (docs/PROTOCOL.md §1): the server pings every session
        /// this often, and ends one whose client sent nothing for `execPeerTimeout`.
        public var execKeepaliveInterval: TimeInterval = 5
        public var execPeerTimeout: TimeInterval = 15
        /// A live instance's log past this size is cut back to empty (with a note), checked once per tick.
        public var maxLogBytes: Int64 = 16 * 1024 * 1024

        public init(isolation: Isolation? = nil, stateDirectory: StateDirectory = .standard()) {
            self.isolation = isolation
            self.stateDirectory = stateDirectory
        }
    }

    public let options: Options
    public let isolation: Isolation
    let lock = NSLock()
    // Everything below is guarded by `lock`; the extensions (registry, supervisor,
    // sampler, slot waiting) in the other LocalPlatform+*.swift files share it.
    private(set) var specs: [String: FunctionSpec] = [:]
    var functionOrder: [String] = []
    var provisionTargets: [String: Int] = [:]
    var functionInvocations: [String: Int] = [:]
    var instances: [String: RuntimeInstance] = [:]
    /// Invocations waiting for a slot, per function (decides when to start another instance).
    var waiting: [String: Int] = [:]
    var slotWaiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    var timer: DispatchSourceTimer?
    var shuttingDown = false
    /// Functions whose instances keep failing, and when each may start again.
    var crashLoops: [String: CrashLoop] = [:]
    /// When instances started in the last second (the starts-per-second cap).
    var recentStarts: [Date] = []
    /// A later reconcile is already scheduled (after a backoff or the start cap).
    var reconcileScheduled = false
    /// Logs of ended instances per function, oldest first (pruned to `logsKeptPerFunction`).
    var endedLogs: [String: [URL]] = [:]
    /// Instances whose ended log was pruned → their function (the newest 1000), for the logs endpoint's 404.
    var prunedLogs: [String: String] = [:]
    var prunedOrder: [String] = []
    /// Counts open `LogReader`s (its own lock).
    let logReaders = LogReader.Counter()
    let queue = DispatchQueue(label: "porthole.local-platform")
    let audit: AuditLog
    /// Versions of the instance list for `instanceChanges`; its own lock, so a
    /// long compare never holds up the supervisor.
    var changeLog = InstanceChangeLog()
    let changeLogLock = NSLock()

    public init(specs: [FunctionSpec], options: Options) throws {
        self.options = options
        self.isolation = options.isolation ?? Isolation.detect()
        try options.stateDirectory.create()
        self.audit = AuditLog(file: options.stateDirectory.auditLog)
        for spec in specs {
            self.specs[spec.functionName] = spec
            functionOrder.append(spec.functionName)
            provisionTargets[spec.functionName] = spec.provisioned
        }
    }

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    // MARK: Start and stop

    /// Starts the provisioned instances and the once-a-second housekeeping.
    public func start() {
        reconcileProvisioned()
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + options.sampleInterval, repeating: options.sampleInterval)
        timer.setEventHandler { [weak self] in self?.tick() }
        timer.resume()
        self.timer = timer
    }

    /// Stops every instance and its children; returns when they have exited (or after `timeout`).
    public func shutdown(timeout: TimeInterval = 5) {
        let all: [RuntimeInstance] = locked {
            shuttingDown = true
            return Array(instances.values)
        }
        timer?.cancel()
        timer = nil
        for instance in all { stop(instance, reason: "platform shutting down", released: true) }
        let deadline = Date().addingTimeInterval(timeout)
        for instance in all {
            while let process = locked({ instance.process }), !process.hasExited, Date() < deadline {
                usleep(20_000)
            }
            locked { instance.process }?.signalGroup(SIGKILL)
        }
    }

    // MARK: Housekeeping

    private func tick() {
        sampleMetrics()
        releaseIdleInstances()
        forgetHealthyCrashLoops()
        truncateLongLogs()
        reconcileProvisioned()
        forgetOldTombstones()
    }

    var isShuttingDown: Bool { shuttingDown }
}
