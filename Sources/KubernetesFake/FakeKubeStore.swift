import Foundation

/// A JSON object as the API serves it.
public typealias JSONObject = [String: Any]

/// The fake cluster's objects with etcd-like resource versions: every change
/// bumps one counter and lands in a bounded history that watches replay from;
/// a version older than the history answers 410 Gone, as the API server's
/// watch cache does.
public final class FakeKubeStore: @unchecked Sendable {
    public struct Change: @unchecked Sendable {
        public var version: Int
        public var type: String
        public var object: JSONObject
    }

    private let lock = NSLock()
    private var version = 100
    private var pods: [String: JSONObject] = [:]
    private var replicaSets: [String: JSONObject] = [:]
    private var metrics: [String: JSONObject] = [:]
    /// Other objects by resource ("deployments", "statefulsets", "services.serving.knative.dev", …), then "namespace/name".
    private var objects: [String: [String: JSONObject]] = [:]
    private var history: [Change] = []
    /// Changes at or below this version are gone from the history.
    private var compactedThrough = 100
    public var historyLimit = 1000
    private var listeners: [UUID: (Change) -> Void] = [:]
    /// The containers' output (`pods/log`).
    public let logs = FakePodLogs()

    public init() {}

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    public var resourceVersion: Int { locked { version } }

    static func key(_ object: JSONObject) -> String {
        let metadata = object["metadata"] as? JSONObject ?? [:]
        return "\(metadata["namespace"] as? String ?? "")/\(metadata["name"] as? String ?? "")"
    }

    // MARK: Changes

    /// Adds or replaces a pod; watchers see ADDED or MODIFIED.
    public func put(pod: JSONObject) {
        var pod = pod
        let change: Change = locked {
            version += 1
            var metadata = pod["metadata"] as? JSONObject ?? [:]
            metadata["resourceVersion"] = String(version)
            if metadata["uid"] == nil { metadata["uid"] = UUID().uuidString.lowercased() }
            pod["metadata"] = metadata
            let key = Self.key(pod)
            let type = pods[key] == nil ? "ADDED" : "MODIFIED"
            pods[key] = pod
            return record(Change(version: version, type: type, object: pod))
        }
        notify(change)
    }

    /// Removes a pod; watchers see DELETED, follows of its logs end.
    public func delete(pod namespace: String, _ name: String) {
        let change: Change? = locked {
            guard var pod = pods.removeValue(forKey: "\(namespace)/\(name)") else { return nil }
            version += 1
            var metadata = pod["metadata"] as? JSONObject ?? [:]
            metadata["resourceVersion"] = String(version)
            pod["metadata"] = metadata
            return record(Change(version: version, type: "DELETED", object: pod))
        }
        if let change {
            logs.endPod(namespace, name)
            notify(change)
        }
    }

    public func put(replicaSet: JSONObject) { locked { replicaSets[Self.key(replicaSet)] = replicaSet } }
    public func put(metrics: JSONObject) { locked { self.metrics[Self.key(metrics)] = metrics } }
    /// Adds or replaces an object of another resource (no watch: porthole lists these on its refresh).
    public func put(_ resource: String, _ object: JSONObject) {
        var object = object
        locked {
            version += 1
            var metadata = object["metadata"] as? JSONObject ?? [:]
            metadata["resourceVersion"] = String(version)
            if metadata["uid"] == nil { metadata["uid"] = UUID().uuidString.lowercased() }
            object["metadata"] = metadata
            objects[resource, default: [:]][Self.key(object)] = object
        }
    }
    public func removeAllMetrics() { locked { metrics = [:] } }

    /// Forgets the whole history, as etcd compaction does: watches from older versions get 410.
    public func compact() { locked {
        history = []
        compactedThrough = version
    } }

    /// Ends every open watch with a 410 Gone error event, as the API server does
    /// to a watcher that fell behind its window; their versions are compacted away.
    public func expireWatches() {
        let (targets, change): ([(Change) -> Void], Change) = locked {
            defer { listeners = [:] }
            history = []
            compactedThrough = version
            let status: JSONObject = [
                "kind": "Status", "apiVersion": "v1", "metadata": JSONObject(), "status": "Failure",
                "message": "too old resource version: \(version - 1) (\(version))", "reason": "Expired", "code": 410,
            ]
            return (Array(listeners.values), Change(version: version, type: "ERROR", object: status))
        }
        for target in targets { target(change) }
    }

    private func record(_ change: Change) -> Change {
        history.append(change)
        if history.count > historyLimit {
            let dropped = history.removeFirst()
            compactedThrough = dropped.version
        }
        return change
    }

    private func notify(_ change: Change) {
        let targets = locked { Array(listeners.values) }
        for target in targets { target(change) }
    }

    // MARK: Containers' runs (what a kubelet would report)

    /// Writes lines to a container's log (its current run); open follows get them.
    public func appendLog(_ namespace: String, _ pod: String, container: String, _ text: String) {
        logs.append(namespace, pod, container, text)
    }

    /// The container exits: its log ends (open follows end) and its status turns terminated.
    public func endContainer(_ namespace: String, _ pod: String, container: String, exitCode: Int = 0) {
        logs.end(namespace, pod, container)
        let now = ISO8601DateFormatter().string(from: Date())
        updateContainerStatus(namespace, pod, container) { status in
            let started = (status["state"] as? JSONObject)?["running"].flatMap { ($0 as? JSONObject)?["startedAt"] } ?? now
            status["state"] = ["terminated": [
                "exitCode": exitCode, "reason": exitCode == 0 ? "Completed" : "Error", "startedAt": started, "finishedAt": now,
                "containerID": status["containerID"] ?? "",
            ] as JSONObject]
            status["ready"] = false
            status["started"] = false
        }
    }

    /// The container exits with `exitCode` and the kubelet starts it again: its
    /// log so far becomes the previous run's (`previous=true`), a new empty run
    /// begins, the restart count goes up.
    public func restartContainer(_ namespace: String, _ pod: String, container: String, exitCode: Int = 1) {
        logs.restart(namespace, pod, container)
        let now = ISO8601DateFormatter().string(from: Date())
        updateContainerStatus(namespace, pod, container) { status in
            let oldID = status["containerID"] as? String ?? "containerd://\(UUID().uuidString.lowercased())"
            status["lastState"] = ["terminated": [
                "exitCode": exitCode, "reason": exitCode == 0 ? "Completed" : "Error", "startedAt": now, "finishedAt": now,
                "containerID": oldID,
            ] as JSONObject]
            status["containerID"] = "containerd://\(UUID().uuidString.lowercased())"
            status["state"] = ["running": ["startedAt": now]]
            status["restartCount"] = (status["restartCount"] as? Int ?? 0) + 1
            status["ready"] = true
            status["started"] = true
        }
    }

    private func updateContainerStatus(_ namespace: String, _ name: String, _ container: String, _ change: (inout JSONObject) -> Void) {
        guard var pod = pod(namespace, name) else { return }
        var status = pod["status"] as? JSONObject ?? [:]
        var statuses = status["containerStatuses"] as? [JSONObject] ?? []
        guard let index = statuses.firstIndex(where: { $0["name"] as? String == container }) else { return }
        change(&statuses[index])
        status["containerStatuses"] = statuses
        pod["status"] = status
        put(pod: pod)
    }

    // MARK: Reads

    public func pod(_ namespace: String, _ name: String) -> JSONObject? { locked { pods["\(namespace)/\(name)"] } }

    /// Pods of a namespace (nil: all), sorted by namespace/name, with the version they were read at.
    public func listPods(namespace: String?) -> ([JSONObject], Int) {
        locked {
            let items = pods.sorted { $0.key < $1.key }.map(\.value).filter { namespace == nil || Self.namespace(of: $0) == namespace }
            return (items, version)
        }
    }

    public func listReplicaSets(namespace: String?) -> [JSONObject] {
        locked { replicaSets.sorted { $0.key < $1.key }.map(\.value).filter { namespace == nil || Self.namespace(of: $0) == namespace } }
    }

    /// Objects of another resource in a namespace (nil: all), sorted by namespace/name.
    public func list(_ resource: String, namespace: String?) -> [JSONObject] {
        locked {
            (objects[resource] ?? [:]).sorted { $0.key < $1.key }.map(\.value)
                .filter { namespace == nil || Self.namespace(of: $0) == namespace }
        }
    }

    public func listMetrics(namespace: String?) -> [JSONObject] {
        locked { metrics.sorted { $0.key < $1.key }.map(\.value).filter { namespace == nil || Self.namespace(of: $0) == namespace } }
    }

    public var hasMetrics: Bool { locked { !metrics.isEmpty } }

    static func namespace(of object: JSONObject) -> String? {
        (object["metadata"] as? JSONObject)?["namespace"] as? String
    }

    /// Starts a watch from `since`: the changes after it (nil when the history no
    /// longer reaches back that far: 410), then live changes through `listener`.
    public func watch(since: Int, listener: @escaping (Change) -> Void) -> (UUID, [Change])? {
        locked {
            guard since >= compactedThrough else { return nil }
            let id = UUID()
            listeners[id] = listener
            return (id, history.filter { $0.version > since })
        }
    }

    public func stopWatching(_ id: UUID) { locked { _ = listeners.removeValue(forKey: id) } }

    public var watcherCount: Int { locked { listeners.count } }

    public func isTooOld(_ version: Int) -> Bool { locked { version < compactedThrough } }
}
