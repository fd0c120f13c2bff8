import Foundation

/// The instance list a backend keeps current from list-all calls with a
/// cursor: each answer brings only the instances that changed and the ids that
/// left, and this holds the rest, so listing 10,000 instances every refresh
/// moves and decodes only what changed.
///
/// Uptime and idle time tick by themselves and are not changes: between
/// answers, `list` advances them by the time since the instance was received.
///
/// Thread-safe: `lock` guards every stored property.
final class InstanceCache: @unchecked Sendable {
    private struct Entry {
        var instance: Instance
        /// `ProcessInfo.systemUptime` when it arrived.
        var receivedAt: TimeInterval
    }

    private let lock = NSLock()
    private var version: UInt64?
    private var entries: [String: Entry] = [:]
    private var order: [String] = []

    /// The cursor to send (`since`), nil before the first answer.
    var cursor: UInt64? { lock.withLock { version } }

    /// Takes one answer in. `version` nil: a server without cursors, the list is whole.
    /// A delta older than what is held (answers that crossed) is ignored.
    func apply(instances: [Instance], version newVersion: UInt64?, removed: [String], full: Bool,
               at now: TimeInterval = ProcessInfo.processInfo.systemUptime) {
        lock.withLock {
            // A whole list always applies (a restarted server's versions start anew).
            if !full, let newVersion, let version, newVersion < version { return }
            if full || newVersion == nil {
                entries = Dictionary(instances.map { ($0.instanceId, Entry(instance: $0, receivedAt: now)) }, uniquingKeysWith: { $1 })
                order = instances.map(\.instanceId)
                version = newVersion
                return
            }
            var membershipChanged = false
            for id in removed where entries.removeValue(forKey: id) != nil { membershipChanged = true }
            for instance in instances {
                if entries.updateValue(Entry(instance: instance, receivedAt: now), forKey: instance.instanceId) == nil {
                    membershipChanged = true
                }
            }
            if membershipChanged {
                // The server's order: by function, then oldest first.
                order = entries.values.map(\.instance)
                    .sorted { ($0.functionName, $0.createdTimeMs, $0.instanceId) < ($1.functionName, $1.createdTimeMs, $1.instanceId) }
                    .map(\.instanceId)
            }
            version = newVersion
        }
    }

    /// Every instance held, in the server's order, its clocks advanced to `now`.
    func list(at now: TimeInterval = ProcessInfo.processInfo.systemUptime) -> [Instance] {
        lock.withLock {
            order.compactMap { id in
                guard let entry = entries[id] else { return nil }
                var instance = entry.instance
                let elapsed = max(0, now - entry.receivedAt)
                if elapsed > 0, instance.status.isLive || instance.status == .stopping, var metrics = instance.metrics {
                    metrics.uptimeSeconds += elapsed
                    if let idle = metrics.idleSeconds, idle > 0 { metrics.idleSeconds = idle + elapsed }
                    instance.metrics = metrics
                }
                return instance
            }
        }
    }
}
