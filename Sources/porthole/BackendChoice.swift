import ArgumentParser
import KubernetesBackend
import Platform

/// Builds the backend a porthole context names. `Platform` knows only the
/// context's fields; the Kubernetes backend is made here, where every module
/// is in reach.
enum BackendChoice {
    static func context(_ name: String, in settings: ContextConfig) throws -> any PlatformBackend {
        if let context = settings.contexts.first(where: { $0.name == name }), context.backend == "kubernetes" {
            return try KubernetesBackend(
                settings: KubernetesSettings(
                    kubeconfig: context.kubeconfig, context: context.kubeContext, namespace: context.namespace,
                    allNamespaces: context.allNamespaces),
                displayName: "k8s \(name)")
        }
        return try settings.anyBackend(context: name)
    }
}

/// `--kubeconfig FILE --kube-context NAME [-n NS | -A]`, shared by the console and the CLI.
struct KubernetesOptions: ParsableArguments {
    @Option(help: "Kubernetes: the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config).") var kubeconfig: String?
    @Option(help: "Kubernetes: the kubeconfig context (default: its current-context).") var kubeContext: String?
    @Option(name: [.customShort("n"), .long], help: "Kubernetes: the namespace (default: the context's, else default).")
    var namespace: String?
    @Flag(name: [.customShort("A"), .long], help: "Kubernetes: every namespace.") var allNamespaces = false

    /// The cluster settings when any Kubernetes flag was given.
    var settings: KubernetesSettings? {
        guard kubeconfig != nil || kubeContext != nil || namespace != nil || allNamespaces else { return nil }
        return KubernetesSettings(kubeconfig: kubeconfig, context: kubeContext, namespace: namespace, allNamespaces: allNamespaces)
    }

    func validate() throws {
        if namespace != nil && allNamespaces { throw ValidationError("give -n NAMESPACE or -A, not both") }
    }
}

/// Closes what a backend holds open (a cluster's watch and connections) before a command returns.
func closing(_ backend: any PlatformBackend) async {
    if let cluster = backend as? KubernetesBackend { await cluster.shutdown() }
}
