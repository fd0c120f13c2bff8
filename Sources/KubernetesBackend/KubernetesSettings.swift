import Foundation

/// How to reach a cluster, as `kubectl` flags say it: which kubeconfig, which
/// context, which namespace (or all of them).
public struct KubernetesSettings: Sendable, Equatable {
    /// `--kubeconfig`; nil: `$KUBECONFIG`, else `~/.kube/config`.
    public var kubeconfig: String?
    /// `--kube-context`; nil: the kubeconfig's current-context.
    public var context: String?
    /// `-n`; nil: the context's namespace, else `default`.
    public var namespace: String?
    /// `-A`: every namespace.
    public var allNamespaces: Bool

    public init(kubeconfig: String? = nil, context: String? = nil, namespace: String? = nil, allNamespaces: Bool = false) {
        self.kubeconfig = kubeconfig
        self.context = context
        self.namespace = namespace
        self.allNamespaces = allNamespaces
    }

    /// The context, cluster and user these settings pick, with the namespace to use
    /// (nil for all namespaces).
    public func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> (config: Kubeconfig, context: String, cluster: Kubeconfig.Cluster, clusterName: String, user: Kubeconfig.User, userName: String, namespace: String?)
    {
        let files = Kubeconfig.files(explicit: kubeconfig, environment: environment)
        let config = try Kubeconfig.load(files: files, explicit: kubeconfig != nil)
        let where_ = config.files.joined(separator: ":")
        guard let contextName = context ?? config.currentContext, !contextName.isEmpty else {
            throw KubernetesError.configuration(
                "\(where_) has no current-context; pick one with --kube-context NAME (known: \(config.contexts.keys.sorted().joined(separator: ", ")))")
        }
        guard let entry = config.contexts[contextName] else {
            throw KubernetesError.configuration(
                "no context \(contextName) in \(where_); known: \(config.contexts.keys.sorted().joined(separator: ", "))")
        }
        guard let cluster = config.clusters[entry.cluster] else {
            throw KubernetesError.configuration("context \(contextName) names cluster \(entry.cluster), which \(where_) does not define")
        }
        // A context without a user is allowed (anonymous), as kubectl allows it.
        let user = config.users[entry.user] ?? Kubeconfig.User()
        if !entry.user.isEmpty, config.users[entry.user] == nil {
            throw KubernetesError.configuration("context \(contextName) names user \(entry.user), which \(where_) does not define")
        }
        let namespace: String? = allNamespaces ? nil : (self.namespace ?? entry.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default")
        return (config, contextName, cluster, entry.cluster, user, entry.user, namespace)
    }
}
