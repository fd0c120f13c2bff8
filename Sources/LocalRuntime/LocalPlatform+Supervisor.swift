import ExecCore
import Foundation
import Platform

/// The supervisor: starts instances as processes, watches them become Running,
/// stops them (SIGTERM, then SIGKILL after the grace), records how they ended,
/// keeps the provisioned count and releases idle on-demand instances.
extension LocalPlatform {
    func reconcileProvisioned() {
        var toStart: [FunctionSpec] = []
        var toStop: [RuntimeInstance] = []
        var retryAt: Date?
        let now = Date()
        locked {
            guard !shuttingDown else { return }
            for name in functionOrder {
                guard let spec = specs[name] else { continue }
                let target = provisionTargets[name] ?? 0
                if let loop = crashLoops[name], loop.nextStart > now {
                    // Backing off: no new instance before nextStart.
                    retryAt = min(retryAt ?? loop.nextStart, loop.nextStart)
                    let live = instances.values.filter { $0.spec.functionName == name && $0.provisioned && $0.status.isLive }
                    if live.count <= target { continue }
                }
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
        for instance in toStop { stop(instance, reason: "provisioned target lowered", released: true) }
        for spec in toStart {
            do {
                try launch(spec, provisioned: true)
            } catch let deferred as StartDeferred {
                retryAt = min(retryAt ?? deferred.until, deferred.until)
                break
            } catch {
                continue
            }
        }
        if let retryAt { scheduleReconcile(at: retryAt) }
    }

    /// Reconciles again at `date` (once, however many ask).
    func scheduleReconcile(at date: Date) {
        let already: Bool = locked {
            defer { reconcileScheduled = true }
            return reconcileScheduled
        }
        guard !already else { return }
        queue.asyncAfter(deadline: .now() + max(0.01, date.timeIntervalSinceNow)) { [weak self] in
            guard let self else { return }
            self.locked { self.reconcileScheduled = false }
            self.reconcileProvisioned()
        }
    }

    /// Whether the starts-per-second cap lets one more instance start at `now`.
    /// Call with the lock held.
    func startRateAllows(now: Date) -> Bool {
        recentStarts.removeAll { now.timeIntervalSince($0) >= 1 }
        return recentStarts.count < options.limits.startsPerSecond
    }

    /// Checks the server's caps and the function's backoff before a start; call with the lock held.
    /// A provisioned start past the rate cap is deferred (`StartDeferred`), an
    /// on-demand one was already held back by the router.
    private func admitStart(_ spec: FunctionSpec, provisioned: Bool, now: Date) throws {
        guard !shuttingDown else { throw APIError(status: 503, code: "ShuttingDown", message: "the platform is shutting down") }
        if let loop = crashLoops[spec.functionName], loop.nextStart > now {
            let wait = CrashLoop.seconds(loop.nextStart.timeIntervalSince(now))
            throw APIError(
                status: 503, code: "CrashLoop",
                message: "instances of \(spec.functionName) keep failing (\(loop.failures) in a row, last: \(loop.lastReason)); the next start is in \(wait): see the instance logs in \(options.stateDirectory.logsDirectory.path)")
        }
        let live = instances.values.filter { $0.status.isLive }.count
        if live >= options.limits.maxInstances {
            throw APIError(
                status: 429, code: "ResourceExhausted",
                message: "this server already runs \(live) instances, its cap (limits.maxInstances, \(options.limits.maxInstancesSource)); retry later, or raise the cap with `porthole serve --max-instances`")
        }
        if provisioned && !startRateAllows(now: now) {
            throw StartDeferred(until: (recentStarts.first ?? now).addingTimeInterval(1))
        }
        recentStarts.append(now)
    }


    /// Starts a new instance of `spec`; it becomes Running once it listens on its port.
    @discardableResult
    func launch(_ spec: FunctionSpec, provisioned: Bool) throws -> RuntimeInstance {
        let now = Date()
        let instance: RuntimeInstance = try locked {
            try admitStart(spec, provisioned: provisioned, now: now)
            var id: String
            repeat { id = RuntimeInstance.newId() } while instances[id] != nil
            let instance = RuntimeInstance(
                id: id, spec: spec, provisioned: provisioned, isolation: isolation, port: LoopbackPort.free() ?? 0, now: now)
            instance.record("created (\(provisioned ? "provisioned" : "on-demand"), \(isolation.rawValue))", at: now)
            instances[id] = instance
            return instance
        }
        let logURL = options.stateDirectory.logsDirectory.appendingPathComponent("\(instance.id).log")
        locked { instance.logFile = logURL }
        try? FileManager.default.createDirectory(at: options.stateDirectory.logsDirectory, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = open(logURL.path, O_WRONLY | O_APPEND | O_CLOEXEC)
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer {
            if log >= 0 { close(log) }
            if null >= 0 { close(null) }
        }
        do {
            let argv = isolation.instanceArgv(
                command: spec.command + spec.args, instanceId: instance.id, initCommand: try InitProgram.require())
            let process = try ChildProcess.spawn(
                argv: argv, environment: instance.environment, directory: spec.codeDirectory.path,
                stdin: null, stdout: log, stderr: log, passing: Lifeline.readEnd)
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
                        // The function's process (or its namespace's init) leads its own group;
                        // kept so the group can be ended even if porthole-init is killed first.
                        if let pid = instance.process?.pid {
                            instance.namespacePid = Isolation.namespaceInit(of: pid)
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
        // Without namespaces nothing ends the function's group with its porthole-init
        // (killed from outside, say): end it here, or its processes outlive the instance.
        let (isolation, group) = locked { (instance.isolation, instance.namespacePid) }
        if isolation == .process, let group, group > 1 { kill(-group, SIGKILL) }
        let now = Date()
        let name = instance.spec.functionName
        var retryAt: Date?
        // Only a failure ends the sessions here: a release already ended them in stop().
        let (orphaned, staleLogs): ([ExecSessionControl], [URL]) = locked {
            instance.endedAt = now
            if instance.stopRequested {
                instance.status = .released
                let idle = instance.endReason ?? "released"
                instance.record("released (\(termination))", at: now)
                instance.endReason = "released at \(WallClock.text(now)): \(idle)"
            } else {
                let reason = "process \(termination)"
                instance.status = .failed
                instance.endReason = reason
                instance.record("failed: \(reason)", at: now)
                if !shuttingDown {
                    instance.errors += 1
                    // A function that ran healthy for a while starts its count over.
                    let healthy = instance.runningAt.map { now.timeIntervalSince($0) >= options.restartBackoff.healthyAfter } ?? false
                    var loop = healthy ? CrashLoop() : (crashLoops[name] ?? CrashLoop())
                    let delay = loop.recordFailure(reason: reason, now: now, backoff: options.restartBackoff)
                    crashLoops[name] = loop
                    if delay > 0 {
                        // One CrashLoop row per function: the newest failure says it.
                        for other in instances.values where other.spec.functionName == name && other.status == .crashLoop {
                            other.status = .failed
                        }
                        instance.status = .crashLoop
                        instance.endReason = "\(reason); \(loop.failures) failures in a row, next start in \(CrashLoop.seconds(delay))"
                        instance.record("crash loop: next start in \(CrashLoop.seconds(delay))", at: now)
                        retryAt = loop.nextStart
                    }
                }
            }
            var stale: [URL] = []
            if let log = instance.logFile {
                endedLogs[name, default: []].append(log)
                let excess = endedLogs[name, default: []].count - options.logsKeptPerFunction
                if excess > 0 {
                    stale = Array(endedLogs[name, default: []].prefix(excess))
                    endedLogs[name]?.removeFirst(excess)
                    rememberPruned(stale.map { $0.deletingPathExtension().lastPathComponent }, function: name)
                }
            }
            return (instance.stopRequested ? [] : Array(instance.execSessions.values), stale)
        }
        for log in staleLogs { try? FileManager.default.removeItem(at: log) }
        let message = "instance \(instance.id) failed: its process \(termination); the session ended with it"
        for session in orphaned { session.end(with: .failure(reason: ExecStatus.Reason.instanceFailed, message: message)) }
        wakeSlotWaiters()
        // Provisioned instances are replaced when they die (after the backoff, if they keep dying).
        if let retryAt { scheduleReconcile(at: retryAt) }
        queue.async { [weak self] in self?.reconcileProvisioned() }
    }

    /// A function with an instance that has been Running for `healthyAfter` is out of its crash loop.
    func forgetHealthyCrashLoops() {
        let now = Date()
        locked {
            guard !crashLoops.isEmpty else { return }
            for name in crashLoops.keys {
                let healthy = instances.values.contains {
                    $0.spec.functionName == name && $0.status == .running
                        && ($0.runningAt.map { now.timeIntervalSince($0) >= options.restartBackoff.healthyAfter } ?? false)
                }
                if healthy { crashLoops.removeValue(forKey: name) }
            }
        }
    }

    func releaseIdleInstances() {
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
}
