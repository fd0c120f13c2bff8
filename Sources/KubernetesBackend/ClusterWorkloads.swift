import Foundation

/// The workloads that run functions, listed whether or not they have pods now:
/// Knative Services (with their `containerConcurrency`), Deployments and
/// StatefulSets. A function scaled to zero has no pods to be found by, only
/// these. What the cluster does not serve (no Knative installed: 404) or this
/// user may not list (403) is left out; the pods still show.
public struct ClusterWorkloads: Sendable, Equatable {
    /// Every function a workload runs (version nil), with its concurrency
    /// where the platform states one (Knative; 0 = unlimited).
    public var functions: [FunctionIdentity: Int?] = [:]
    /// Knative revisions' `containerConcurrency` by "namespace/revision".
    public var revisionConcurrency: [String: Int] = [:]

    public init() {}

    /// The concurrency an instance of `function` takes: its revision's, else its Service's.
    public func concurrency(of function: FunctionIdentity) -> Int? {
        if let version = function.version, let own = revisionConcurrency["\(function.namespace)/\(version)"] { return own }
        var unversioned = function
        unversioned.version = nil
        return functions[unversioned] ?? nil
    }

    /// Lists them in `namespace` (nil: all).
    static func fetch(client: KubeClient, namespace: String?) async -> ClusterWorkloads {
        func path(_ group: String, _ resource: String) -> String {
            namespace.map { "/\(group)/namespaces/\(KubePath.escape($0))/\(resource)" } ?? "/\(group)/\(resource)"
        }
        func list<T: Codable & Sendable>(_ group: String, _ resource: String, as type: T.Type) async -> [T] {
            let purpose = KubeClient.Purpose(verb: "list", resource: resource, namespace: namespace)
            return (try? await client.get(path(group, resource), as: ObjectList<T>.self, purpose: purpose))?.items ?? []
        }
        var workloads = ClusterWorkloads()
        for (resource, kind) in [("deployments", "Deployment"), ("statefulsets", "StatefulSet")] {
            for workload in await list("apis/apps/v1", resource, as: Workload.self) {
                guard let identity = FunctionIdentity.of(workload: workload, kind: kind) else { continue }
                if workloads.functions[identity] == nil { workloads.functions[identity] = .some(nil) }
            }
        }
        for service in await list("apis/serving.knative.dev/v1", "services", as: KnativeResource.self) {
            guard let name = service.metadata.name else { continue }
            let identity = FunctionIdentity(namespace: service.metadata.namespace ?? "default", name: name, kind: "Knative")
            workloads.functions[identity] = .some(service.containerConcurrency ?? 0)
        }
        for revision in await list("apis/serving.knative.dev/v1", "revisions", as: KnativeResource.self) {
            guard let name = revision.metadata.name else { continue }
            workloads.revisionConcurrency["\(revision.metadata.namespace ?? "default")/\(name)"] = revision.containerConcurrency ?? 0
        }
        return workloads
    }
}
