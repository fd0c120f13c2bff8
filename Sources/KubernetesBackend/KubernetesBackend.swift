import ExecCore
import Foundation
import NIOConcurrencyHelpers
import Platform

/// A `PlatformBackend` over a Kubernetes API server: functions are the
/// workloads found by label and owner, instances are their pods (kept current
/// by list+watch), metrics come from metrics.k8s.io on each refresh, and exec
/// is `pods/exec` over WebSocket v5 (v4 when the server refuses v5).
///
/// Ids: a pod is its name, a function its name; with every namespace (`-A`)
/// both are `namespace/name`, so they stay unique.
public final class KubernetesBackend: PlatformBackend {
    public let displayName: String
    public let client: KubeClient
    /// nil: every namespace.
    public let namespace: String?
    public let pods: PodCache
    /// "namespace/replicaset" → its controller (nil: none, or no such ReplicaSet).
    private let replicaSetOwners = NIOLockedValueBox<[String: OwnerReference?]>([:])

    public init(client: KubeClient, namespace: String?, displayName: String, pageSize: Int = 500, watchSeconds: Int = 300) {
        self.client = client
        self.namespace = namespace
        self.displayName = displayName
        self.pods = PodCache(client: client, namespace: namespace, pageSize: pageSize, watchSeconds: watchSeconds)
        metrics = RefreshingValue(maxAge: 10) { await Self.fetchMetrics(client: client, namespace: namespace) }
        workloadLists = RefreshingValue(maxAge: 5) { await ClusterWorkloads.fetch(client: client, namespace: namespace) }
    }

    /// Connects as `settings` say (kubeconfig, context, namespace).
    public convenience init(settings: KubernetesSettings, displayName: String? = nil) throws {
        let resolved = try settings.resolve()
        let client = try KubeClient(
            cluster: resolved.cluster, clusterName: resolved.clusterName, user: resolved.user, userName: resolved.userName)
        let scope = resolved.namespace ?? "all namespaces"
        self.init(client: client, namespace: resolved.namespace, displayName: displayName ?? "k8s \(resolved.context) · \(scope)")
    }

    /// Stops the watch and closes connections.
    public func shutdown() async {
        pods.stop()
        await client.shutdown()
    }

    // MARK: Reading the cluster

    /// One pod as porthole shows it.
    public struct PodRow: Sendable {
        public var pod: Pod
        public var function: FunctionIdentity?
        public var reading: PodReading
    }

    /// Every pod in scope with its function and figures, sorted by namespace
    /// and name. Built again only when the pods or the metrics sample changed:
    /// the console asks for functions and instances on every tick, together.
    public func podRows() async throws -> [PodRow] {
        // The first time, the metrics and the pod list are fetched side by side.
        async let sampled = try? self.metrics.get()
        try await pods.sync()
        let sample = await sampled
        let metrics = sample?.value ?? nil
        let metricsAt = sample?.at
        let known = rowsCache.withLockedValue { $0?.metricsAt == metricsAt ? $0?.generation : nil }
        let (changed, generation) = try await pods.snapshot(unlessGeneration: known)
        guard let all = changed else {
            if let rows = rowsCache.withLockedValue({ $0?.rows }) { return rows }
            return try await podRows()
        }
        try await learnReplicaSets(for: all)
        // One build per change: the caller that comes second waits for the first's rows.
        return rowsCache.withLockedValue { cache in
            if let cache, cache.generation == generation, cache.metricsAt == metricsAt { return cache.rows }
            let rows = makeRows(all, metrics: metrics)
            cache = (generation, metricsAt, rows)
            return rows
        }
    }

    private let rowsCache = NIOLockedValueBox<(generation: Int, metricsAt: Date?, rows: [PodRow])?>(nil)

    private func makeRows(_ all: [Pod], metrics: [String: PodMetrics]?) -> [PodRow] {
        let owners = replicaSetOwners.withLockedValue { $0.compactMapValues { $0 } }
        // Sorted on a key made once per pod: comparing namespace/name tuples read out of
        // each row costs more than building the rows.
        return all.map { (PodCache.key($0), $0) }.sorted { $0.0 < $1.0 }.map { key, pod in
            PodRow(
                pod: pod, function: FunctionIdentity.of(pod, replicaSetOwners: owners),
                reading: PodReading(pod: pod, metrics: metrics?[key]))
        }
    }

    /// Fetches the ReplicaSets of namespaces where a pod names one we have not seen.
    private func learnReplicaSets(for pods: [Pod]) async throws {
        let known = replicaSetOwners.withLockedValue { Set($0.keys) }
        var namespaces = Set<String>()
        for pod in pods {
            guard let owner = FunctionIdentity.controller(of: pod.metadata), owner.kind == "ReplicaSet" else { continue }
            let namespace = pod.metadata.namespace ?? ""
            if !known.contains("\(namespace)/\(owner.name)") { namespaces.insert(namespace) }
        }
        guard !namespaces.isEmpty else { return }
        let paths = namespace == nil && namespaces.count > 1
            ? ["/apis/apps/v1/replicasets"]
            : namespaces.map { "/apis/apps/v1/namespaces/\(KubePath.escape($0))/replicasets" }
        var learned: [String: OwnerReference?] = [:]
        for path in paths {
            let list = try await client.get(
                path, as: ObjectList<Workload>.self, purpose: .init(verb: "list", resource: "replicasets", namespace: namespace))
            for set in list.items ?? [] {
                learned["\(set.metadata.namespace ?? "")/\(set.metadata.name ?? "")"] = .some(FunctionIdentity.controller(of: set.metadata))
            }
        }
        // ReplicaSets the pods name but the server no longer has: remember, so we do not ask again.
        for pod in pods {
            guard let owner = FunctionIdentity.controller(of: pod.metadata), owner.kind == "ReplicaSet" else { continue }
            let key = "\(pod.metadata.namespace ?? "")/\(owner.name)"
            if learned[key] == nil { learned[key] = .some(nil) }
        }
        replicaSetOwners.withLockedValue { $0.merge(learned) { _, new in new } }
    }

    /// How old a metrics sample may be before a refresh fetches another.
    /// metrics-server samples every 15 s by default (`--metric-resolution`, its
    /// items' `window`): asking on every 2 s tick re-reads, and re-decodes for
    /// 10,000 pods, the same sample most of the time.
    public var metricsInterval: TimeInterval {
        get { metrics.maxAge }
        set { metrics.maxAge = newValue }
    }

    /// metrics.k8s.io usage by "namespace/pod"; nil when the cluster has no
    /// metrics server (or we may not read it): figures then show `—`.
    public func podMetrics() async -> [String: PodMetrics]? {
        (try? await metrics.get())?.value ?? nil
    }

    /// One fetch at a time, in the background: a slow answer on a big cluster must
    /// not pile up requests (and starve the connection pool an exec needs).
    private let metrics: RefreshingValue<[String: PodMetrics]?>

    private static func fetchMetrics(client: KubeClient, namespace: String?) async -> [String: PodMetrics]? {
        let path = namespace.map { "/apis/metrics.k8s.io/v1beta1/namespaces/\(KubePath.escape($0))/pods" }
            ?? "/apis/metrics.k8s.io/v1beta1/pods"
        guard let list = try? await client.get(
            path, as: ObjectList<PodMetrics>.self, purpose: .init(verb: "list", resource: "pods.metrics.k8s.io", namespace: namespace))
        else { return nil }
        var byPod: [String: PodMetrics] = [:]
        for item in list.items ?? [] { byPod["\(item.metadata.namespace ?? "")/\(item.metadata.name ?? "")"] = item }
        return byPod
    }

    /// The cluster's workloads (for functions scaled to zero and Knative's
    /// concurrency), listed at most every 5 s and one listing at a time, in
    /// the background: on a big cluster the refresh tick must not queue lists
    /// behind each other.
    public func workloads() async -> ClusterWorkloads {
        (try? await workloadLists.get())?.value ?? ClusterWorkloads()
    }

    private let workloadLists: RefreshingValue<ClusterWorkloads>

    func functionId(_ identity: FunctionIdentity) -> String {
        namespace == nil ? "\(identity.namespace)/\(identity.name)" : identity.name
    }

    func instanceId(_ pod: Pod) -> String {
        namespace == nil ? PodCache.key(pod) : (pod.metadata.name ?? "")
    }

    /// The pod as an instance; `concurrency` is its function's where the platform states one (Knative).
    func instance(_ row: PodRow, concurrency: Int? = nil) -> Instance? {
        guard let function = row.function else { return nil }
        let reading = row.reading
        let created = reading.created ?? Date()
        var metrics = InstanceMetrics(
            cpuPercent: reading.cpuMillicores.map { $0 / 10 }, memoryBytes: reading.memoryBytes.map { Int64($0) },
            memoryLimitBytes: reading.memoryLimit.map { Int64($0) }, instanceConcurrency: concurrency ?? 0,
            uptimeSeconds: max(0, Date().timeIntervalSince(created)), isolation: "pod",
            kind: function.shortKind, countsRequests: false)
        if reading.status != row.pod.status?.phase { metrics.endReason = reading.status }
        return Instance(
            instanceId: instanceId(row.pod), functionName: functionId(function), status: reading.phase,
            createdTimeMs: Int64(created.timeIntervalSince1970 * 1000), versionId: function.version ?? "0",
            qualifier: function.version ?? "LATEST", metrics: metrics,
            containers: reading.containers.count > 1 ? reading.containers : nil,
            defaultContainer: try? Self.chooseContainer(pod: row.pod, requested: nil))
    }

    // MARK: PlatformBackend

    public func listFunctions() async throws -> [Function] {
        async let listed = workloads()
        let rows = try await podRows()
        let workloads = await listed
        // Live pods per function (counted, not collected: 10,000 rows each tick).
        var live: [FunctionIdentity: Int] = [:]
        // Workloads first: one scaled to zero is a function with no instances.
        for function in workloads.functions.keys { live[function] = 0 }
        for row in rows {
            guard var function = row.function else { continue }
            function.version = nil  // one function across its revisions
            live[function, default: 0] += row.reading.phase.isLive ? 1 : 0
        }
        return live.map { function, count in
            Function(
                functionName: functionId(function), runtime: function.kind.lowercased(),
                description: "\(function.kind) in namespace \(function.namespace)",
                instanceConcurrency: workloads.concurrency(of: function), liveInstances: count)
        }.sorted { $0.functionName < $1.functionName }
    }

    public func listInstances(function: String?) async throws -> [Instance] {
        async let listed = workloads()
        let rows = try await podRows()
        let workloads = await listed
        return rows.compactMap { row in instance(row, concurrency: row.function.flatMap(workloads.concurrency)) }
            .filter { function == nil || $0.functionName == function }
    }

    public func describeInstance(function: String, id: String) async throws -> InstanceDetail {
        let (podNamespace, podName) = try locate(id)
        let pod = try await client.get(
            "/api/v1/namespaces/\(KubePath.escape(podNamespace))/pods/\(KubePath.escape(podName))", as: Pod.self,
            purpose: .init(verb: "get", resource: "pods", namespace: podNamespace))
        let metrics = await podMetrics()?[PodCache.key(pod)]
        let owners = replicaSetOwners.withLockedValue { $0.compactMapValues { $0 } }
        let row = PodRow(pod: pod, function: FunctionIdentity.of(pod, replicaSetOwners: owners), reading: PodReading(pod: pod, metrics: metrics))
        var concurrency: Int?
        if let function = row.function { concurrency = await workloads().concurrency(of: function) }
        guard let instance = instance(row, concurrency: concurrency) else {
            throw KubernetesError.notFound(message: "pod \(podNamespace)/\(podName) belongs to no function porthole knows")
        }
        let r = row.reading
        func figure(_ value: Double?, _ format: (Double) -> String) -> String { value.map(format) ?? "—" }
        let percent: (Double) -> String = { String(format: "%.0f%%", $0) }
        var facts: [String: String] = [
            "namespace": podNamespace, "pod": podName, "kind": row.function?.kind ?? "—",
            "status": r.status, "restarts": String(r.restarts), "node": r.node ?? "—",
            "containers": r.containers.joined(separator: ", "),
            "cpu": figure(r.cpuMillicores) { String(format: "%.0fm", $0) },
            "%cpu/r": figure(r.cpuPercentOfRequest, percent), "%cpu/l": figure(r.cpuPercentOfLimit, percent),
            "mem": figure(r.memoryBytes) { String(format: "%.0fMi", $0 / 1_048_576) },
            "%mem/r": figure(r.memoryPercentOfRequest, percent), "%mem/l": figure(r.memoryPercentOfLimit, percent),
        ]
        if let ip = pod.status?.podIP { facts["ip"] = ip }
        if let version = row.function?.version { facts["revision"] = version }
        if let concurrency { facts["concurrency"] = concurrency == 0 ? "unlimited (containerConcurrency 0)" : "\(concurrency) (containerConcurrency)" }
        var events: [LifecycleEvent] = []
        if let created = r.created { events.append(LifecycleEvent(timeMs: Int64(created.timeIntervalSince1970 * 1000), message: "created")) }
        if let started = KubeTime.parse(pod.status?.startTime) {
            events.append(LifecycleEvent(timeMs: Int64(started.timeIntervalSince1970 * 1000), message: "started on \(r.node ?? "?")"))
        }
        if let deleting = KubeTime.parse(pod.metadata.deletionTimestamp) {
            events.append(LifecycleEvent(timeMs: Int64(deleting.timeIntervalSince1970 * 1000), message: "terminating"))
        }
        return InstanceDetail(instance: instance, events: events, facts: facts)
    }

    /// "namespace/pod" or "pod" (in this backend's namespace).
    func locate(_ id: String) throws -> (String, String) {
        if let slash = id.firstIndex(of: "/") { return (String(id[..<slash]), String(id[id.index(after: slash)...])) }
        guard let namespace else {
            throw KubernetesError.configuration("with every namespace (-A), name a pod as NAMESPACE/POD (got \(id))")
        }
        return (namespace, id)
    }

    public func openExec(_ request: ExecRequest, handlers: ExecCallbacks) async throws -> ExecSession {
        // `request.container` is how callers that see only PlatformBackend (`porthole cp -c`) choose one.
        try await openExec(request, container: request.container, handlers: handlers)
    }

    /// Opens `kubectl exec` on a pod: in `container`, else the pod's
    /// `kubectl.kubernetes.io/default-container` (applied here, as kubectl
    /// does: the API server ignores it), else its first container.
    public func openExec(_ request: ExecRequest, container: String?, handlers: ExecCallbacks) async throws -> ExecSession {
        let (podNamespace, podName) = try locate(request.instanceId)
        let purpose = KubeClient.Purpose(verb: "create", resource: "pods/exec", namespace: podNamespace)
        let pod = try await client.get(
            "/api/v1/namespaces/\(KubePath.escape(podNamespace))/pods/\(KubePath.escape(podName))", as: Pod.self,
            purpose: .init(verb: "get", resource: "pods", namespace: podNamespace))
        let phase = pod.status?.phase ?? "Unknown"
        if phase == "Succeeded" || phase == "Failed" {
            throw KubernetesError.podNotRunning(
                pod: "\(podNamespace)/\(podName)", message: "cannot exec into a container in a completed pod; current phase is \(phase)")
        }
        let containerName = try Self.chooseContainer(pod: pod, requested: container)
        var query: [(String, String)] = request.command.map { ("command", $0) }
        query.append(("container", containerName))
        query.append(("stdin", String(request.stdin)))
        query.append(("stdout", String(request.stdout)))
        query.append(("stderr", String(request.stderr && !request.tty)))
        query.append(("tty", String(request.tty)))
        let uri = "\(client.basePath)/api/v1/namespaces/\(KubePath.escape(podNamespace))/pods/\(KubePath.escape(podName))/exec?"
            + query.map { "\($0.0)=\(KubePath.escape($0.1))" }.joined(separator: "&")

        func attempt(_ dialect: ExecDialect, refreshed: Bool) async throws -> ExecSession {
            if refreshed { _ = try client.credential(refresh: true) }
            let transport = try client.execTransport()
            do {
                return try await ExecSession.connect(
                    to: transport.endpoint, request: request, handlers: handlers, dialects: [dialect],
                    tls: transport.tls, uri: uri, headers: transport.headers)
            } catch let error as ExecConnectError {
                switch error {
                case .rejected(403, let body) where body.isEmpty && dialect == .v5:
                    // 403 with no body is the upgrade refusing the subprotocol, not RBAC: an
                    // older server. Ask again in v4.
                    return try await attempt(.v4, refreshed: refreshed)
                case .rejected(401, _) where client.user.exec != nil && !refreshed:
                    return try await attempt(dialect, refreshed: true)
                case .rejected(let status, let body):
                    let failure = client.error(status: status, body: body, purpose: purpose)
                    if case .api(_, _, let message) = failure, status == 400 || status == 500,
                        message.contains("does not have a host assigned") || message.contains("not running")
                            || message.contains("completed pod") || message.contains("not found")
                    {
                        throw KubernetesError.podNotRunning(pod: "\(podNamespace)/\(podName)", message: message)
                    }
                    throw failure
                case .unreachable(_, _, let reason):
                    throw client.transportError(ExecTransportFailure(reason: reason))
                default:
                    throw KubernetesError.badResponse(error.description)
                }
            }
        }
        return try await attempt(.v5, refreshed: false)
    }

    /// `kubectl logs`: `pods/log` of the chosen container (`request.container`,
    /// else the pod's default as for exec), passed through in chunks as the API
    /// server sends them (docs/PROTOCOL.md §5). The pod is read first, as kubectl
    /// does, to choose the container and to tell an unscheduled pod (the server
    /// would answer 204, an empty log) from an empty log.
    public func streamLogs(_ request: LogRequest) async throws -> LogStream {
        let (podNamespace, podName) = try locate(request.instanceId)
        let podPath = "/api/v1/namespaces/\(KubePath.escape(podNamespace))/pods/\(KubePath.escape(podName))"
        let pod: Pod
        do {
            pod = try await client.get(podPath, as: Pod.self, purpose: .init(verb: "get", resource: "pods", namespace: podNamespace))
        } catch KubernetesError.notFound(let message) {
            throw KubernetesError.notFound(
                message: "\(message) in namespace \(podNamespace); run `porthole instances` to list the pods (a replaced pod has a new name)")
        }
        let container = try Self.chooseContainer(pod: pod, requested: request.container)
        let shown = "\(podNamespace)/\(podName)"
        if (pod.spec?.nodeName ?? "").isEmpty {
            throw KubernetesError.logUnavailable(
                pod: shown, container: container,
                message: "the pod is not scheduled to a node yet (\(PodReading.status(of: pod))), so no container has run",
                advice: "wait until it is scheduled; `porthole instances` shows its status")
        }
        var query = [("container", container)]
        if request.follow { query.append(("follow", "true")) }
        if let tail = request.tailLines { query.append(("tailLines", String(max(0, tail)))) }
        if request.previous { query.append(("previous", "true")) }
        let path = podPath + "/log?" + query.map { "\($0.0)=\(KubePath.escape($0.1))" }.joined(separator: "&")
        do {
            // Errors are metav1.Status in the negotiated type: JSON must be acceptable, as client-go's `application/json, */*` makes it.
            return try await client.stream(
                path, accept: "application/json, */*", purpose: .init(verb: "get", resource: "pods/log", namespace: podNamespace),
                what: "the log of \(shown) (container \(container))")
        } catch KubernetesError.api(400, _, let message) {
            // The kubelet's refusals, passed on by the API server as 400 BadRequest.
            let advice: String
            if message.contains("previous terminated container") {
                advice = "the container has not restarted, so there is no previous run: read its current log instead (without -p/--previous)"
            } else if message.contains("waiting to start") {
                advice = "it has not started yet (its image and volumes come first): wait for it; `porthole instances` shows its status"
            } else {
                advice = "check the pod's containers and status with `porthole instances`"
            }
            throw KubernetesError.logUnavailable(pod: shown, container: container, message: message, advice: advice)
        } catch KubernetesError.notFound(let message) {
            throw KubernetesError.notFound(message: "\(message) in namespace \(podNamespace): the pod went away; run `porthole instances` to list the pods")
        }
    }

    /// The container an exec goes to (docs/PROTOCOL.md §5).
    public static func chooseContainer(pod: Pod, requested: String?) throws -> String {
        let names = (pod.spec?.containers ?? []).map(\.name)
        let podName = "\(pod.metadata.namespace ?? "")/\(pod.metadata.name ?? "")"
        if let requested {
            let all = names + (pod.spec?.initContainers ?? []).map(\.name)
            guard all.contains(requested) else {
                throw KubernetesError.notFound(
                    message: "pod \(podName) has no container \(requested); choose one of: \(names.joined(separator: ", "))")
            }
            return requested
        }
        if let annotated = pod.metadata.annotations?["kubectl.kubernetes.io/default-container"], names.contains(annotated) {
            return annotated
        }
        guard let first = names.first else { throw KubernetesError.badResponse("pod \(podName) has no containers") }
        return first
    }

    public func invoke(function: String, body: [UInt8]) async throws -> Invocation {
        throw KubernetesError.configuration(
            "invoke is not available on Kubernetes: call the function through its Service or Ingress URL (`kubectl get ksvc`, or the gateway)")
    }

    public func setProvisioned(function: String, target: Int) async throws {
        throw KubernetesError.configuration(
            "porthole does not scale workloads on Kubernetes: use `kubectl scale` or the platform's autoscaling settings (minScale for Knative)")
    }
}

/// An exec connection failure, carrying the text for the TLS/unreachable classification.
struct ExecTransportFailure: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
