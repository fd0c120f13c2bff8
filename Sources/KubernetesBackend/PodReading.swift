import Foundation
import Platform

/// A pod as an operator reads it: the status kubectl and k9s print, restarts,
/// age, node, and usage against requests and limits.
public struct PodReading: Sendable, Equatable {
    /// `Running`, `Pending`, `Terminating`, `CrashLoopBackOff`, `Init:0/1`, `Completed`…
    public var status: String
    public var phase: InstanceStatus
    public var restarts: Int
    public var node: String?
    public var created: Date?
    public var containers: [String]

    /// Usage summed over containers (nil: no metrics for this pod).
    public var cpuMillicores: Double?
    public var memoryBytes: Double?
    /// Requests (falling back to limits) and limits summed over containers
    /// (+ restartable init containers), as k9s sums them; nil where none is set.
    public var cpuRequest: Double?
    public var cpuLimit: Double?
    public var memoryRequest: Double?
    public var memoryLimit: Double?

    public init(pod: Pod, metrics: PodMetrics?) {
        status = Self.status(of: pod)
        phase = Self.phase(of: pod)
        restarts = (pod.status?.containerStatuses ?? []).reduce(0) { $0 + ($1.restartCount ?? 0) }
        node = pod.spec?.nodeName
        created = KubeTime.parse(pod.metadata.creationTimestamp)
        containers = (pod.spec?.containers ?? []).map(\.name)
        if let metrics {
            var cpu = 0.0, memory = 0.0
            for container in metrics.containers ?? [] {
                cpu += Quantity.millicores(container.usage.cpu) ?? 0
                memory += Quantity.bytes(container.usage.memory) ?? 0
            }
            cpuMillicores = cpu
            memoryBytes = memory
        }
        let counted = (pod.spec?.containers ?? []) + (pod.spec?.initContainers ?? []).filter { $0.restartPolicy == "Always" }
        func total(_ pick: (Container) -> Double?) -> Double? {
            let values = counted.compactMap(pick)
            let sum = values.reduce(0, +)
            return sum > 0 ? sum : nil
        }
        cpuRequest = total { Quantity.millicores($0.resources?.requests?.cpu ?? $0.resources?.limits?.cpu) }
        cpuLimit = total { Quantity.millicores($0.resources?.limits?.cpu) }
        memoryRequest = total { Quantity.bytes($0.resources?.requests?.memory ?? $0.resources?.limits?.memory) }
        memoryLimit = total { Quantity.bytes($0.resources?.limits?.memory) }
    }

    /// Usage as a percentage of a denominator; nil (shown `—`/`n/a`) with no usage or no denominator.
    public static func percent(_ usage: Double?, of total: Double?) -> Double? {
        guard let usage, let total, total > 0 else { return nil }
        return usage / total * 100
    }

    public var cpuPercentOfRequest: Double? { Self.percent(cpuMillicores, of: cpuRequest) }
    public var cpuPercentOfLimit: Double? { Self.percent(cpuMillicores, of: cpuLimit) }
    public var memoryPercentOfRequest: Double? { Self.percent(memoryBytes, of: memoryRequest) }
    public var memoryPercentOfLimit: Double? { Self.percent(memoryBytes, of: memoryLimit) }

    /// The STATUS column kubectl prints (its printer's rules, shortened).
    public static func status(of pod: Pod) -> String {
        if pod.metadata.deletionTimestamp != nil {
            return pod.status?.reason == "NodeLost" ? "Unknown" : "Terminating"
        }
        var reason = pod.status?.reason ?? pod.status?.phase ?? "Unknown"
        let initStatuses = pod.status?.initContainerStatuses ?? []
        let initCount = pod.spec?.initContainers?.count ?? 0
        for (index, container) in initStatuses.enumerated() {
            if let terminated = container.state?.terminated, terminated.exitCode == 0 { continue }
            if container.state?.running != nil, pod.spec?.initContainers?.first(where: { $0.name == container.name })?.restartPolicy == "Always" {
                continue  // a sidecar that runs on
            }
            if let terminated = container.state?.terminated {
                return "Init:" + (terminated.reason ?? (terminated.signal.map { "Signal:\($0)" } ?? "ExitCode:\(terminated.exitCode ?? 0)"))
            }
            if let waiting = container.state?.waiting?.reason, !waiting.isEmpty, waiting != "PodInitializing" {
                return "Init:" + waiting
            }
            return "Init:\(index)/\(initCount)"
        }
        var running = false
        for container in (pod.status?.containerStatuses ?? []).reversed() {
            if let waiting = container.state?.waiting?.reason, !waiting.isEmpty {
                reason = waiting
            } else if let terminated = container.state?.terminated {
                reason = terminated.reason ?? (terminated.signal.map { "Signal:\($0)" } ?? "ExitCode:\(terminated.exitCode ?? 0)")
            } else if container.ready == true, container.state?.running != nil {
                running = true
            }
        }
        if reason == "Completed", running { reason = "Running" }
        return reason
    }

    /// Where the pod is in its life, in porthole's terms.
    public static func phase(of pod: Pod) -> InstanceStatus {
        if pod.metadata.deletionTimestamp != nil { return .stopping }
        switch pod.status?.phase {
        case "Running": return .running
        case "Pending": return .starting
        case "Succeeded": return .released
        default: return .failed
        }
    }
}
