import ExecCore
import Foundation
import Platform

/// The embedded serverless platform: starts instances as real processes, routes
/// invocations to free concurrency slots, releases idle on-demand instances,
/// keeps provisioned ones, samples metrics, and runs exec sessions inside
/// instances. Thread-safe: every mutable field is guarded by `lock`.
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

        public init(isolation: Isolation? = nil, stateDirectory: StateDirectory = .standard()) {
            self.isolation = isolation
            self.stateDirectory = stateDirectory
        }
    }

    public let options: Options
    public let isolation: Isolation
    let lock = NSLock()
    private(set) var specs: [String: FunctionSpec] = [:]
    private var functionOrder: [String] = []
    private var provisionTargets: [String: Int] = [:]
    private var functionInvocations: [String: Int] = [:]
    var instances: [String: RuntimeInstance] = [:]
    /// Invocations waiting for a slot, per function (decides when to start another instance).
    var waiting: [String: Int] = [:]
    private var slotWaiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    private var timer: DispatchSourceTimer?
    private var shuttingDown = false
    private let queue = DispatchQueue(label: "porthole.local-platform")
    let audit: AuditLog
    /// Versions of the instance list for `instanceChanges`; its own lock, so a
    /// long compare never holds up the supervisor.
    private var changeLog = InstanceChangeLog()
    private let changeLogLock = NSLock()

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

    // MARK: Queries

    public func listFunctions() -> [Function] {
        locked {
            functionOrder.compactMap { name in
                guard let spec = specs[name] else { return nil }
                var function = spec.function
                let live = instances.values.filter { $0.spec.functionName == name && $0.status.isLive }
                function.provisioned = provisionTargets[name]
                function.liveInstances = live.count
                function.activeRequests = live.reduce(0) { $0 + $1.activeRequests }
                function.invocations = functionInvocations[name, default: 0]
                return function
            }
        }
    }

    public func function(named name: String) throws -> Function {
        guard let function = listFunctions().first(where: { $0.functionName == name }) else {
            throw APIError.functionNotFound(name)
        }
        return function
    }

    /// Live instances, plus those that ended in the last `listEndedSeconds`; of one function or all.
    public func listInstances(function: String?) throws -> [Instance] {
        let now = Date()
        return try locked {
            if let function, specs[function] == nil { throw APIError.functionNotFound(function) }
            return instances.values
                .filter { function == nil || $0.spec.functionName == function }
                .filter { $0.status.isLive || now.timeIntervalSince($0.endedAt ?? now) < options.listEndedSeconds }
                .sorted { ($0.spec.functionName, $0.createdAt) < ($1.spec.functionName, $1.createdAt) }
                .map { $0.snapshot(now: now) }
        }
    }

    /// Every listed instance that changed after `cursor` (see `InstanceChangeLog`);
    /// the whole list when `cursor` is nil or no longer known.
    func instanceChanges(since cursor: UInt64?) throws -> InstanceChangeLog.Changes {
        let listed = try listInstances(function: nil)
        return changeLogLock.withLock {
            changeLog.record(listed)
            return changeLog.changes(since: cursor)
        }
    }

    public func describeInstance(function: String, id: String) throws -> InstanceDetail {
        try locked {
            guard let instance = instances[id], instance.spec.functionName == function else {
                throw APIError.instanceNotFound(id)
            }
            var facts = [
                "port": String(instance.port), "isolation": instance.isolation.rawValue,
                "code": instance.spec.codeDirectory.path,
                "command": (instance.spec.command + instance.spec.args).joined(separator: " "),
                "kind": instance.provisioned ? "provisioned" : "on-demand",
            ]
            if let pid = instance.process?.pid { facts["pid"] = String(pid) }
            if let pid = instance.namespacePid { facts["namespace init pid"] = String(pid) }
            if instance.isolation == .namespaces { facts["hostname"] = instance.id }
            return InstanceDetail(instance: instance.snapshot(now: Date()), events: instance.events, facts: facts)
        }
    }

    // MARK: Provisioning

    /// Sets how many provisioned instances `function` keeps; extra ones stop gracefully.
    @discardableResult
    public func setProvisioned(function: String, target: Int) throws -> (target: Int, current: Int) {
        try locked {
            guard let spec = specs[function] else { throw APIError.functionNotFound(function) }
            guard (0...spec.maxInstances).contains(target) else {
                throw APIError(status: 400, code: "InvalidArgument",
                               message: "defaultTarget \(target) is out of range 0…\(spec.maxInstances) (maxInstances of \(function))")
            }
            provisionTargets[function] = target
        }
        reconcileProvisioned()
        return locked {
            (target, instances.values.filter { $0.spec.functionName == function && $0.provisioned && $0.status.isLive }.count)
        }
    }

    public func provisioned(function: String) throws -> (target: Int, current: Int) {
        try locked {
            guard specs[function] != nil else { throw APIError.functionNotFound(function) }
            let current = instances.values.filter { $0.spec.functionName == function && $0.provisioned && $0.status.isLive }.count
            return (provisionTargets[function] ?? 0, current)
        }
    }

    func reconcileProvisioned() {
        var toStart: [FunctionSpec] = []
        var toStop: [RuntimeInstance] = []
        locked {
            guard !shuttingDown else { return }
            for name in functionOrder {
                guard let spec = specs[name] else { continue }
                let target = provisionTargets[name] ?? 0
                let live = instances.values
                    .filter { $0.spec.functionName == name && $0.provisioned && $0.status.isLive }
                    .sorted { $0.createdAt < $1.createdAt }
                if live.count < target {
                    toStart += Array(repeating: spec, count: target - live.count)
                } else if live.count > target {
                    // Stop the youngest first, and prefer ones with nothing in flight.
                    let ordered = live.sorted { ($0.activeRequests, -$0.createdAt.timeIntervalSince1970) < ($1.activeRequests, -$1.createdAt.timeIntervalSince1970) }
                    toStop += ordered.prefix(live.count - target)
                }
            }
        }
        for spec in toStart { _ = try? launch(spec, provisioned: true) }
        for instance in toStop { stop(instance, reason: "provisioned target lowered", released: true) }
    }

    // MARK: Instances

    /// Starts a new instance of `spec`; it becomes Running once it listens on its port.
    @discardableResult
    func launch(_ spec: FunctionSpec, provisioned: Bool) throws -> RuntimeInstance {
        let now = Date()
        let instance: RuntimeInstance = try locked {
            guard !shuttingDown else { throw APIError(status: 503, code: "ShuttingDown", message: "the platform is shutting down") }
            var id: String
            repeat { id = Self.newInstanceId() } while instances[id] != nil
            let instance = RuntimeInstance(
                id: id, spec: spec, provisioned: provisioned, isolation: isolation, port: LoopbackPort.free() ?? 0, now: now)
            instance.record("created (\(provisioned ? "provisioned" : "on-demand"), \(isolation.rawValue))", at: now)
            instances[id] = instance
            return instance
        }
        let logURL = options.stateDirectory.logsDirectory.appendingPathComponent("\(instance.id).log")
        try? FileManager.default.createDirectory(at: options.stateDirectory.logsDirectory, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = open(logURL.path, O_WRONLY | O_APPEND | O_CLOEXEC)
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer {
            if log >= 0 { close(log) }
            if null >= 0 { close(null) }
        }
        let argv = isolation.instanceArgv(command: spec.command + spec.args, instanceId: instance.id)
        do {
            let process = try ChildProcess.spawn(
                argv: argv, environment: instance.environment, directory: spec.codeDirectory.path,
                stdin: null, stdout: log, stderr: log)
            locked {
                instance.process = process
                instance.record("process \(process.pid) started: \((spec.command + spec.args).joined(separator: " "))")
            }
            process.onExit { [weak self] termination in self?.processExited(instance, termination) }
        } catch {
            locked {
                instance.status = .failed
                instance.endedAt = Date()
                instance.endReason = "could not start: \(error)"
                instance.record("failed: \(error)")
            }
            wakeSlotWaiters()
            throw APIError(status: 500, code: "InstanceStartFailed", message: "instance of \(spec.functionName) could not start: \(error)")
        }
        waitUntilListening(instance)
        return instance
    }

    /// Polls the instance's port until it accepts connections (cold start), then marks it Running.
    private func waitUntilListening(_ instance: RuntimeInstance) {
        let started = Date()
        let deadline = started.addingTimeInterval(options.startTimeout)
        DispatchQueue.global().async { [weak self] in
            while Date() < deadline {
                guard let self else { return }
                let still = self.locked { instance.status == .starting }
                if !still { return }
                if LoopbackPort.accepts(instance.port) {
                    let now = Date()
                    self.locked {
                        guard instance.status == .starting else { return }
                        instance.status = .running
                        instance.runningAt = now
                        instance.lastActivity = now
                        instance.coldStartMs = now.timeIntervalSince(started) * 1000
                        if instance.isolation == .namespaces, let pid = instance.process?.pid {
                            instance.namespacePid = Self.namespaceInit(of: pid)
                        }
                        instance.record(String(format: "running (cold start %.0f ms)", instance.coldStartMs ?? 0), at: now)
                    }
                    self.wakeSlotWaiters()
                    return
                }
                usleep(25_000)
            }
            guard let self else { return }
            let timedOut = self.locked { instance.status == .starting }
            if timedOut {
                self.locked {
                    instance.record("did not listen on port \(instance.port) within \(Int(self.options.startTimeout)) s")
                    instance.endReason = "did not listen on $PORT (\(instance.port)) within \(Int(self.options.startTimeout)) s"
                }
                self.stop(instance, reason: "start timeout", released: false)
            }
        }
    }

    /// Stops an instance: Stopping, SIGTERM to its process group, SIGKILL after the grace period.
    /// `released`: a normal release (idle, scale-in, shutdown) rather than a failure.
    func stop(_ instance: RuntimeInstance, reason: String, released: Bool) {
        let (process, sessions): (ChildProcess?, [ExecSessionControl]) = locked {
            guard instance.status.isLive else { return (nil, []) }
            instance.status = .stopping
            instance.stopRequested = true
            if released { instance.endReason = reason } else if instance.endReason == nil { instance.endReason = reason }
            instance.record("stopping: \(reason)")
            return (instance.process, Array(instance.execSessions.values))
        }
        let message = "instance \(instance.id) was released: \(reason)"
        for session in sessions {
            session.end(with: .failure(reason: ExecStatus.Reason.instanceReleased, message: message))
        }
        process?.stop(grace: options.stopGrace)
        wakeSlotWaiters()
    }

    private func processExited(_ instance: RuntimeInstance, _ termination: ProcessTermination) {
        let now = Date()
        // Only a failure ends the sessions here: a release already ended them in stop().
        let orphaned: [ExecSessionControl] = locked {
            instance.endedAt = now
            if instance.stopRequested {
                instance.status = .released
                let idle = instance.endReason ?? "released"
                instance.record("released (\(termination))", at: now)
                instance.endReason = "released at \(Self.clock(now)): \(idle)"
            } else {
                instance.status = .failed
                instance.endReason = "process \(termination)"
                instance.record("failed: process \(termination)", at: now)
                if !shuttingDown { instance.errors += 1 }
            }
            return instance.status == .failed ? Array(instance.execSessions.values) : []
        }
        let message = "instance \(instance.id) failed: its process \(termination); the session ended with it"
        for session in orphaned { session.end(with: .failure(reason: ExecStatus.Reason.instanceFailed, message: message)) }
        wakeSlotWaiters()
        // Provisioned instances are replaced when they die.
        queue.async { [weak self] in self?.reconcileProvisioned() }
    }

    // MARK: Housekeeping

    private func tick() {
        sampleMetrics()
        releaseIdleInstances()
        reconcileProvisioned()
        forgetOldTombstones()
    }

    private func releaseIdleInstances() {
        let now = Date()
        let idle: [RuntimeInstance] = locked {
            instances.values.filter {
                $0.status == .running && !$0.provisioned
                    && $0.idleSeconds(now: now) >= Double($0.spec.idleTimeout)
            }
        }
        for instance in idle {
            stop(instance, reason: "idle for \(instance.spec.idleTimeout) s (idleTimeout)", released: true)
        }
    }

    private func forgetOldTombstones() {
        let now = Date()
        locked {
            instances = instances.filter { _, instance in
                guard let ended = instance.endedAt else { return true }
                return now.timeIntervalSince(ended) < options.tombstoneSeconds
            }
        }
    }

    func sampleMetrics() {
        let table = ProcessTable.read()
        let now = Date()
        locked {
            for instance in instances.values where instance.status.isLive {
                guard let pid = instance.process?.pid else { continue }
                let usage = table.usage(of: [pid] + Array(instance.execPids))
                if let lastTicks = instance.lastCPUTicks, let lastAt = instance.lastSampleAt {
                    let elapsed = now.timeIntervalSince(lastAt)
                    let ticks = usage.cpuTicks >= lastTicks ? usage.cpuTicks - lastTicks : 0
                    if elapsed > 0 { instance.cpuPercent = Double(ticks) / ProcessTable.ticksPerSecond / elapsed * 100 }
                } else {
                    instance.cpuPercent = 0
                }
                instance.lastCPUTicks = usage.cpuTicks
                instance.lastSampleAt = now
                instance.memoryBytes = usage.residentBytes
            }
        }
    }

    // MARK: Slot waiting

    /// Waits until something changes (a slot frees, an instance starts or ends) or `timeout` passes.
    func waitForChange(timeout: TimeInterval) async {
        let id = UUID()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            locked { slotWaiters[id] = continuation }
            queue.asyncAfter(deadline: .now() + timeout) { [weak self] in
                guard let self else { return }
                let waiter = self.locked { self.slotWaiters.removeValue(forKey: id) }
                waiter?.resume()
            }
        }
    }

    func wakeSlotWaiters() {
        let waiters: [CheckedContinuation<Void, Never>] = locked {
            defer { slotWaiters = [:] }
            return Array(slotWaiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    var isShuttingDown: Bool { shuttingDown }

    func countInvocation(function: String) {
        functionInvocations[function, default: 0] += 1
    }

    // MARK: Small helpers

    static func newInstanceId() -> String {
        var generator = SystemRandomNumberGenerator()
        return "c-" + (0..<6).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    static func clock(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: date)
    }

    /// The first child of `unshare --fork`: init of the instance's pid namespace.
    static func namespaceInit(of pid: Int32) -> Int32? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8) else { return nil }
        return text.split(separator: " ").first.flatMap { Int32($0) }
    }
}
