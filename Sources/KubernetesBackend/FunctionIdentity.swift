/// Which function a pod belongs to, read from its labels and owners
/// (docs/PROTOCOL.md §7): serverless frameworks by label first, then the
/// Deployment (through its ReplicaSet) or StatefulSet that owns it.
public struct FunctionIdentity: Hashable, Sendable {
    public var namespace: String
    public var name: String
    /// Knative, OpenFaaS, Fission, Nuclio, Deployment, StatefulSet, ReplicaSet.
    public var kind: String
    /// Knative's revision; nil where the platform has no versions.
    public var version: String?

    public init(namespace: String, name: String, kind: String, version: String? = nil) {
        self.namespace = namespace
        self.name = name
        self.kind = kind
        self.version = version
    }

    /// The kind as a table column shows it: kubectl's short names where they
    /// exist (`ksvc`, `deploy`, `sts`), else the platform's own.
    public var shortKind: String {
        switch kind {
        case "Knative": return "ksvc"
        case "Deployment": return "deploy"
        case "StatefulSet": return "sts"
        case "ReplicaSet": return "rs"
        case "OpenFaaS": return "faas"
        default: return kind.lowercased()
        }
    }

    /// The pod's function, or nil for a pod no function owns (a bare pod, a
    /// Fission warm-pool pod, a Job's pod). `replicaSetOwners` maps
    /// "namespace/replicaset" to the ReplicaSet's controller.
    public static func of(_ pod: Pod, replicaSetOwners: [String: OwnerReference]) -> FunctionIdentity? {
        let namespace = pod.metadata.namespace ?? "default"
        if let framework = framework(labels: pod.metadata.labels ?? [:], namespace: namespace) { return framework }
        guard let owner = controller(of: pod.metadata) else { return nil }
        switch owner.kind {
        case "StatefulSet": return FunctionIdentity(namespace: namespace, name: owner.name, kind: "StatefulSet")
        case "ReplicaSet":
            if let deployment = replicaSetOwners["\(namespace)/\(owner.name)"], deployment.kind == "Deployment" {
                return FunctionIdentity(namespace: namespace, name: deployment.name, kind: "Deployment")
            }
            return nil
        default: return nil
        }
    }

    /// The function a Deployment or StatefulSet (`kind`) runs, read as its
    /// pods would be: the framework's label on its pod template, else itself.
    /// Lists workloads that have no pods now (scaled to zero).
    public static func of(workload: Workload, kind: String) -> FunctionIdentity? {
        let namespace = workload.metadata.namespace ?? "default"
        let labels = workload.spec?.template?.metadata?.labels ?? workload.metadata.labels ?? [:]
        if var framework = framework(labels: labels, namespace: namespace) {
            framework.version = nil
            return framework
        }
        guard let name = workload.metadata.name else { return nil }
        return FunctionIdentity(namespace: namespace, name: name, kind: kind)
    }

    /// A serverless framework's function, from the labels it puts on its pods.
    static func framework(labels: [String: String], namespace: String) -> FunctionIdentity? {
        if let service = labels["serving.knative.dev/service"] ?? labels["serving.knative.dev/configuration"] {
            return FunctionIdentity(namespace: namespace, name: service, kind: "Knative", version: labels["serving.knative.dev/revision"])
        }
        if let name = labels["faas_function"] { return FunctionIdentity(namespace: namespace, name: name, kind: "OpenFaaS") }
        if let name = labels["functionName"] { return FunctionIdentity(namespace: namespace, name: name, kind: "Fission") }
        if let name = labels["nuclio.io/function-name"] { return FunctionIdentity(namespace: namespace, name: name, kind: "Nuclio") }
        return nil
    }

    /// The owner reference with `controller: true` (what kubectl calls "Controlled By").
    static func controller(of metadata: ObjectMeta) -> OwnerReference? {
        metadata.ownerReferences?.first { $0.controller == true }
    }
}
