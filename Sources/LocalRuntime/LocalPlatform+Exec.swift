import ExecCore
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Platform

extension LocalPlatform {
    /// Checks that `instanceId` of `function` can take an exec now: 404 when it never
    /// existed, 410 when it was released or failed (platform rule 1).
    func execTarget(function: String, instanceId: String) throws -> RuntimeInstance {
        try locked {
            guard specs[function] != nil else { throw APIError.functionNotFound(function) }
            guard let instance = instances[instanceId], instance.spec.functionName == function else {
                throw APIError.instanceNotFound(instanceId)
            }
            guard instance.status.isLive else {
                let why = instance.endReason ?? instance.status.rawValue.lowercased()
                let message: String
                if instance.status == .failed || instance.status == .crashLoop {
                    message = "instance \(instanceId) has failed (\(why)) and cannot be exec'd; run `porthole instances \(function)` for live ones"
                } else if let ended = instance.endedAt {
                    let lived = Int(ended.timeIntervalSince(instance.createdAt))
                    message = "instance \(instanceId) was released at \(WallClock.text(ended)) after \(lived) s (\(why)); exec works only on live instances: run `porthole instances \(function)`"
                } else {
                    message = "instance \(instanceId) is stopping and cannot be exec'd; run `porthole instances \(function)` for live ones"
                }
                throw APIError(status: 410, code: "InstanceReleased", message: message)
            }
            return instance
        }
    }

    /// Builds the server side of one exec session on an upgraded connection.
    /// The session counts as an invocation and keeps the instance from being
    /// released as idle while it is open (platform rule 3); it takes no
    /// concurrency slot (rule 2).
    func makeExecHandler(request: ExecRequest, dialect: ExecDialect, identity: String, eventLoop: EventLoop) -> ExecSessionPump {
        let sessionId = UUID()
        let started = Date()
        let pid = SessionProcessID()
        // Weak: the pump keeps this closure, so a strong capture of the pump
        // would be a cycle that kept every finished session (and its channel) alive.
        weak var weakPump: ExecSessionPump?
        let pump = ExecSessionPump(
            codec: FrameCodec(dialect: dialect, side: .server), request: request, eventLoop: eventLoop,
            keepaliveInterval: .nanoseconds(Int64(options.execKeepaliveInterval * 1e9)),
            peerTimeout: .nanoseconds(Int64(options.execPeerTimeout * 1e9)),
            startProcess: { [weak self] loop, size in
                guard let self, let control = weakPump?.control else {
                    return loop.makeFailedFuture(ExecSpawnError.failed("platform stopped"))
                }
                return self.spawnExec(request: request, size: size, sessionId: sessionId, control: control,
                                      pid: pid, eventLoop: loop)
            },
            onFinish: { [weak self] summary in
                self?.endExec(request: request, sessionId: sessionId, pid: pid.value, identity: identity, started: started, summary: summary)
            })
        weakPump = pump
        return pump
    }

    private func spawnExec(
        request: ExecRequest, size: TerminalSize?, sessionId: UUID, control: ExecSessionControl, pid: SessionProcessID,
        eventLoop: EventLoop
    ) -> EventLoopFuture<ExecProcess> {
        let instance: RuntimeInstance
        do {
            instance = try execTarget(function: request.functionName, instanceId: request.instanceId)
        } catch {
            return eventLoop.makeFailedFuture(ExecSpawnError.refused(
                .failure(reason: ExecStatus.Reason.instanceReleased, message: "\(error)")))
        }
        let (environment, directory, namespacePid, isolation) = locked {
            instance.execSessions[sessionId] = control
            instance.invocations += 1
            instance.lastActivity = Date()
            instance.record("exec session opened: \(request.command.joined(separator: " "))")
            return (instance.environment, instance.spec.codeDirectory.path, instance.namespacePid, instance.isolation)
        }
        // Inside the namespaces the filesystem is the host's, so the host's PATH lookup answers
        // for the instance too, and "not found" is known before anything starts.
        guard Isolation.executablePath(request.command[0], directory: directory) != nil else {
            return eventLoop.makeFailedFuture(ExecSpawnError.commandNotFound(request.command[0]))
        }
        let argv: [String]
        do {
            argv = isolation.execArgv(
                command: request.command, namespacePid: namespacePid, directory: directory, tty: request.tty,
                initCommand: try InitProgram.require())
        } catch {
            return eventLoop.makeFailedFuture(ExecSpawnError.failed("\(error)"))
        }
        return LocalExecProcess.start(
            argv: argv, environment: environment, directory: directory, tty: request.tty, stdin: request.stdin,
            size: size ?? TerminalSize(cols: 80, rows: 24), eventLoop: eventLoop
        ).map { [weak self] process in
            if let local = process as? LocalExecProcess {
                pid.value = local.child.pid
                self?.locked { _ = instance.execPids.insert(local.child.pid) }
            }
            return process
        }
    }

    private func endExec(request: ExecRequest, sessionId: UUID, pid: Int32?, identity: String, started: Date, summary: ExecSessionSummary) {
        let now = Date()
        locked {
            if let instance = instances[request.instanceId] {
                instance.execSessions.removeValue(forKey: sessionId)
                if let pid { instance.execPids.remove(pid) }
                // The idle clock restarts when the last session closes.
                instance.lastActivity = now
                instance.record("exec session closed: \(ExecEnd(status: summary.status).summary)")
            }
        }
        audit.append(AuditLog.Entry(
            start: AuditLog.timestamp(started), end: AuditLog.timestamp(now), identity: identity,
            function: request.functionName, instance: request.instanceId, argv: request.command, tty: request.tty,
            status: summary.status.status, exitCode: summary.status.exitCode, reason: summary.status.reason,
            bytesIn: summary.bytesIn, bytesOut: summary.bytesOut, recording: request.recording))
    }
}

/// The pid of a session's process, set on the event loop and read when the session ends.
final class SessionProcessID: Sendable {
    private let stored = NIOLockedValueBox<Int32?>(nil)

    var value: Int32? {
        get { stored.withLockedValue { $0 } }
        set { stored.withLockedValue { $0 = newValue } }
    }
}
