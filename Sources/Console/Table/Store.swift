import Foundation
import Platform

/// What the console knows about the platform, filled from refresh snapshots on
/// the UI thread. Views read it; only `apply` and `prune` change it.
final class Store {
    /// How long a released or vanished instance stays on screen, dimmed.
    let fadeDuration: TimeInterval
    private(set) var functions: [Function] = []
    private(set) var records: [String: InstanceRecord] = [:] {
        didSet { index = nil }
    }
    /// Records by function and the live count, built on first read after a
    /// change: the function list and header read them on every frame (every
    /// key typed), and a filter over 10,000 records per visible function made
    /// typing on a big cluster slow.
    private var index: (byFunction: [String: [InstanceRecord]], live: Int)?
    private(set) var lastSnapshot: Date?
    /// The last refresh error, while refreshes keep failing.
    private(set) var refreshError: String?

    init(fadeDuration: TimeInterval = 4) {
        self.fadeDuration = fadeDuration
    }

    func apply(_ snapshot: PlatformSnapshot) {
        functions = snapshot.functions.sorted { $0.functionName < $1.functionName }
        lastSnapshot = snapshot.takenAt
        refreshError = nil
        var seen = Set<String>()
        for instance in snapshot.instances {
            seen.insert(instance.instanceId)
            var record = records[instance.instanceId] ?? InstanceRecord(instance: instance, goneSince: nil)
            record.instance = instance
            if instance.status.isLive || instance.status == .stopping {
                record.goneSince = nil
            } else if record.goneSince == nil {
                record.goneSince = snapshot.takenAt
            }
            records[instance.instanceId] = record
        }
        for (id, record) in records where !seen.contains(id) && record.goneSince == nil {
            var gone = record
            gone.goneSince = snapshot.takenAt
            if gone.instance.status.isLive { gone.instance.status = .released }
            records[id] = gone
        }
        prune(now: snapshot.takenAt)
    }

    func fail(_ message: String) {
        refreshError = message
    }

    /// Drops rows whose fade is over; says whether any went.
    @discardableResult
    func prune(now: Date) -> Bool {
        let expired = records.values.filter { record in
            guard let since = record.goneSince else { return false }
            return now.timeIntervalSince(since) >= fadeDuration
        }
        for record in expired { records[record.id] = nil }
        return !expired.isEmpty
    }

    /// The earliest time a fading row must go (so the loop can wake for it).
    var nextFadeDeadline: Date? {
        records.values.compactMap { $0.goneSince }.min().map { $0.addingTimeInterval(fadeDuration) }
    }

    func instances(of function: String?) -> [InstanceRecord] {
        guard let function else { return Array(records.values) }
        return currentIndex.byFunction[function] ?? []
    }

    private var currentIndex: (byFunction: [String: [InstanceRecord]], live: Int) {
        if let index { return index }
        var byFunction: [String: [InstanceRecord]] = [:]
        var live = 0
        for record in records.values {
            byFunction[record.instance.functionName, default: []].append(record)
            if !record.isGone { live += 1 }
        }
        index = (byFunction, live)
        return (byFunction, live)
    }

    func record(id: String) -> InstanceRecord? { records[id] }

    /// How far into its fade a gone row is, 0…1.
    func fadeProgress(_ record: InstanceRecord, now: Date) -> Double {
        guard let since = record.goneSince else { return 0 }
        return min(1, max(0, now.timeIntervalSince(since) / fadeDuration))
    }

    var liveInstanceCount: Int { currentIndex.live }
}
