import Foundation
import Platform

/// The columns of the instance table, with how each shows and sorts a row.
enum InstanceColumn: String, CaseIterable, Sendable {
    case id = "ID"
    case status = "STATUS"
    case kind = "KIND"
    case age = "AGE"
    case idle = "IDLE"
    case cpu = "CPU%"
    case memory = "MEM"
    case requests = "REQ"
    case exec = "EXEC"

    var width: Int {
        switch self {
        case .id: return 16
        case .status: return 9
        case .kind: return 7
        case .age, .idle: return 5
        case .cpu: return 6
        case .memory: return 15
        case .requests: return 6
        case .exec: return 5
        }
    }

    var alignRight: Bool {
        switch self {
        case .cpu, .age, .idle: return true
        default: return false
        }
    }

    /// The text of this column for a row.
    func text(_ record: InstanceRecord) -> String {
        let instance = record.instance
        let metrics = instance.metrics
        switch self {
        case .id: return instance.instanceId
        case .status: return instance.status.rawValue
        case .kind:
            return metrics?.kindText ?? "—"
        case .age:
            if let uptime = metrics?.uptimeSeconds { return Format.duration(uptime) }
            return Format.duration(Date().timeIntervalSince1970 - Double(instance.createdTimeMs) / 1000)
        case .idle: return metrics?.idleSeconds.map(Format.duration) ?? "—"
        case .cpu: return metrics?.cpuPercent.map(Format.percent) ?? "—"
        case .memory:
            guard let bytes = metrics?.memoryBytes else { return "—" }
            guard let limit = metrics?.memoryLimitBytes, limit > 0 else { return Format.bytes(bytes) }
            return "\(Format.bytes(bytes))/\(Format.bytes(limit)) \(Int((Double(bytes) * 100 / Double(limit)).rounded()))%"
        case .requests:
            return metrics?.requestsText ?? "—"
        case .exec: return metrics?.execSessionsText ?? "—"
        }
    }

    /// Ascending order on this column; ties fall back to the id so order is stable.
    func areInIncreasingOrder(_ a: InstanceRecord, _ b: InstanceRecord) -> Bool {
        let ma = a.instance.metrics, mb = b.instance.metrics
        func compare<T: Comparable>(_ x: T, _ y: T) -> Bool? { x == y ? nil : x < y }
        let decided: Bool?
        switch self {
        case .id: decided = compare(a.id, b.id)
        case .status: decided = compare(a.instance.status.rawValue, b.instance.status.rawValue)
        case .kind: decided = compare(ma?.kindText ?? "", mb?.kindText ?? "")
        case .age: decided = compare(b.instance.createdTimeMs, a.instance.createdTimeMs)
        case .idle: decided = compare((ma?.idleSeconds).flatMap { $0 } ?? -1, (mb?.idleSeconds).flatMap { $0 } ?? -1)
        case .cpu: decided = compare(ma?.cpuPercent ?? -1, mb?.cpuPercent ?? -1)
        case .memory: decided = compare(ma?.memoryBytes ?? -1, mb?.memoryBytes ?? -1)
        case .requests: decided = compare(counted(ma) { $0.activeRequests }, counted(mb) { $0.activeRequests })
        case .exec: decided = compare(counted(ma) { $0.execSessions }, counted(mb) { $0.execSessions })
        }
        return decided ?? (a.id < b.id)
    }

    /// A count for sorting; -1 (first) where the platform does not count it.
    private func counted(_ metrics: InstanceMetrics?, _ pick: (InstanceMetrics) -> Int) -> Int {
        guard let metrics, metrics.requestsAreCounted else { return -1 }
        return pick(metrics)
    }
}
