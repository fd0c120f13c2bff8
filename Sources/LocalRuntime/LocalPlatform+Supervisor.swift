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


    /// Starts a new instance of `spec`; it becomes Running once it listens on its port.
    @discardableResult
    func launch(_ spec: FunctionSpec, provisioned: Bool) throws -> RuntimeInstance {
        let now = Date()
        let instance: RuntimeInstance = try locked {
            guard !shuttingDown else { throw APIError(status: 503, code: "ShuttingDown", message: "the platform is shutting down") }
            var id: String
            repeat { id = RuntimeInstance.newId() } while instances[id] != nil
            let instance = RuntimeInstance(
                id: id, spec: spec, provisioned: provisioned, isolation: isolation, port: LoopbackPort.free(), now: now)
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
        do {
            let argv = isolation.instanceArgv(
                command: spec.command + spec.args, instanceId: instance.id, initPath: try InitProgram.require())
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
                if LoopbackPort.canConnect(port: instance.port) {
                    let now = Date()
                    self.locked {
                        guard instance.status == .starting else { return }
                        instance.status = .running
                        instance.runningAt = now
                        instance.lastActivity = now
                        instance.coldStartMs = now.timeIntervalSince(started) * 1000
                        if instance.isolation == .namespaces, let pid = instance.process?.pid {
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
        let now = Date()
        // Only a failure ends the sessions here: a release already ended them in stop().
        let orphaned: [ExecSessionControl] = locked {
            instance.endedAt = now
            if instance.stopRequested {
                instance.status = .released
                let idle = instance.endReason ?? "released"
                instance.record("released (\(termination))", at: now)
                instance.endReason = "released at \(WallClock.text(now)): \(idle)"
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
