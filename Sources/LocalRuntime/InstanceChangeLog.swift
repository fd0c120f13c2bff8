import Foundation
import Platform

/// Versions of the instance list, so a client that lists every instance each
/// refresh (the console, with 10,000 of them) is sent only what changed since
/// its last call — the way a Kubernetes list-then-watch uses resourceVersion.
///
/// Each `record` of the full list compares every instance with what was
/// recorded before; an instance that changed — ignoring the clocks that tick
/// by themselves, uptime and idle time, which clients advance on their own —
/// or appeared gets the next version, one that left the list is noted as
/// removed at the next version. Not thread-safe: the platform serializes calls.
struct InstanceChangeLog {
    /// What changed after a cursor.
    struct Changes {
        /// The cursor for the next call.
        var version: UInt64
        /// Instances that changed or appeared (every listed instance when `full`).
        var instances: [Instance]
        /// Ids that left the list.
        var removed: [String]
        /// True when this is the whole list: the cursor was too old, unknown, or absent.
        var full: Bool
    }

    private struct Entry {
        var instance: Instance
        var key: Instance
        var version: UInt64
    }

    /// Versions carry this log's epoch in their high bits (random per server
    /// start), so a cursor from before a restart is never taken for a current one.
    /// 12 + 40 bits: exact in a JSON number.
    let epoch: UInt64
    private(set) var version: UInt64
    private var entries: [String: Entry] = [:]
    private var order: [String] = []
    private var removals: [(id: String, version: UInt64)] = []
    /// Removals at or before this version were forgotten: older cursors get the full list.
    private var forgottenThrough: UInt64 = 0
    let removalsKept: Int

    init(removalsKept: Int = 20_000, epoch: UInt64 = UInt64.random(in: 1...4095)) {
        self.removalsKept = removalsKept
        self.epoch = epoch
        version = epoch << 40
        forgottenThrough = version
    }

    /// Records the current list (in the order clients should see it).
    mutating func record(_ listed: [Instance]) {
        var seen = Set<String>(minimumCapacity: listed.count)
        var membershipChanged = false
        let previousCount = entries.count
        var stillListed = 0
        for instance in listed {
            seen.insert(instance.instanceId)
            let key = Self.key(instance)
            if var entry = entries[instance.instanceId] {
                stillListed += 1
                entry.instance = instance
                if entry.key != key {
                    version += 1
                    entry.key = key
                    entry.version = version
                }
                entries[instance.instanceId] = entry
            } else {
                version += 1
                entries[instance.instanceId] = Entry(instance: instance, key: key, version: version)
                membershipChanged = true
            }
        }
        if stillListed < previousCount {
            for id in Array(entries.keys) where !seen.contains(id) {
                version += 1
                entries[id] = nil
                removals.append((id, version))
            }
            membershipChanged = true
            if removals.count > removalsKept {
                let dropped = removals.count - removalsKept
                forgottenThrough = removals[dropped - 1].version
                removals.removeFirst(dropped)
            }
        }
        if membershipChanged || order.count != listed.count { order = listed.map(\.instanceId) }
    }

    /// What changed after `cursor`; everything when `cursor` is nil, from another
    /// epoch (a restarted server), from the future, or older than the removals kept.
    func changes(since cursor: UInt64?) -> Changes {
        guard let cursor, cursor >> 40 == epoch, cursor <= version, cursor >= forgottenThrough else {
            return Changes(version: version, instances: order.compactMap { entries[$0]?.instance }, removed: [], full: true)
        }
        let changed = order.compactMap { id -> Instance? in
            guard let entry = entries[id], entry.version > cursor else { return nil }
            return entry.instance
        }
        let removed = removals.filter { $0.version > cursor }.map(\.id)
        return Changes(version: version, instances: changed, removed: removed, full: false)
    }

    /// The instance without the clocks that move on their own; whether it is idle
    /// at all stays (a busy instance shows idle 0).
    static func key(_ instance: Instance) -> Instance {
        var key = instance
        if var metrics = key.metrics {
            metrics.uptimeSeconds = 0
            metrics.idleSeconds = metrics.idleSeconds.map { $0 > 0 ? 1 : 0 }
            key.metrics = metrics
        }
        return key
    }
}
