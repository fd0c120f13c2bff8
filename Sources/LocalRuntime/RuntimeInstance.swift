import ExecCore
import Foundation
import Platform

/// The supervisor's record of one instance. Guarded by `LocalPlatform`'s lock:
/// never touch it without holding that lock.
///
/// `@unchecked Sendable`: the supervisor's background work (port probe, exec
/// spawn) holds it across threads, but reads and writes its `var`s only inside
/// `LocalPlatform.locked`; the `let`s are constants.
final class RuntimeInstance: @unchecked Sendable {
    let id: String
    let spec: FunctionSpec
    let provisioned: Bool
    let isolation: Isolation
    let port: Int
    let createdAt: Date
    var status: InstanceStatus = .starting
    var process: ChildProcess?
    /// The first child of porthole-init: pid 1 of the instance's namespaces (or the function's process without them).
    var namespacePid: Int32?
    var runningAt: Date?
    var coldStartMs: Double?
    var activeRequests = 0
    var invocations = 0
    var errors = 0
    /// Last time a request or exec session was active; the idle clock counts from here.
    var lastActivity: Date
    var execSessions: [UUID: ExecSessionControl] = [:]
    var execPids: Set<Int32> = []
    var endedAt: Date?
    var endReason: String?
    /// The instance's output log.
    var logFile: URL?
    /// Cuts of the live log past `maxLogBytes`, ordered against its readers.
    let logCuts = LogCuts()
    /// Set when porthole itself asked the instance to stop, so its exit is a release, not a failure.
    var stopRequested = false
    var cpuPercent: Double?
    var memoryBytes: Int64?
    var lastCPUTicks: UInt64?
    var lastSampleAt: Date?
    var events: [LifecycleEvent] = []

    init(id: String, spec: FunctionSpec, provisioned: Bool, isolation: Isolation, port: Int, now: Date) {
        self.id = id
        self.spec = spec
        self.provisioned = provisioned
        self.isolation = isolation
        self.port = port
        self.createdAt = now
        self.lastActivity = now
    }

    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { ["PATH", "LANG", "LC_ALL", "HOME", "USER", "TZ"].contains($0.key) }
        for (key, value) in spec.environmentVariables { env[key] = value }
        env["PORT"] = String(port)
        env["FC_SERVER_PORT"] = String(port)
        env["FC_FUNCTION_NAME"] = spec.functionName
        env["FC_INSTANCE_ID"] = id
        env["FC_FUNCTION_MEMORY_SIZE"] = String(spec.memorySize)
        env["FC_INSTANCE_CONCURRENCY"] = String(spec.instanceConcurrency)
        return env
    }

    /// A fresh instance id: "c-" and 12 random hex digits.
    static func newId() -> String {
        var generator = SystemRandomNumberGenerator()
        return "c-" + (0..<6).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    func record(_ message: String, at date: Date = Date()) {
        events.append(LifecycleEvent(timeMs: Int64(date.timeIntervalSince1970 * 1000), message: message))
        if events.count > 50 { events.removeFirst(events.count - 50) }
    }

    func idleSeconds(now: Date) -> Double {
        if activeRequests > 0 || !execSessions.isEmpty { return 0 }
        return max(0, now.timeIntervalSince(lastActivity))
    }

    func snapshot(now: Date) -> Instance {
        let metrics = InstanceMetrics(
            cpuPercent: status.isLive ? cpuPercent : nil,
            memoryBytes: status.isLive ? memoryBytes : nil,
            memoryLimitBytes: Int64(spec.memorySize) * 1024 * 1024,
            activeRequests: activeRequests, instanceConcurrency: spec.instanceConcurrency,
            execSessions: execSessions.count, invocations: invocations, errors: errors,
            uptimeSeconds: (endedAt ?? now).timeIntervalSince(createdAt),
            idleSeconds: status.isLive ? idleSeconds(now: now) : 0,
            provisioned: provisioned, isolation: isolation.rawValue, coldStartMs: coldStartMs,
            endReason: endReason)
        return Instance(
            instanceId: id, functionName: spec.functionName, status: status,
            createdTimeMs: Int64(createdAt.timeIntervalSince1970 * 1000), metrics: metrics)
    }
}

