import Foundation

extension FakeKubeAPIServer {
    /// Writes a kubeconfig that reaches this server as one bearer-token user in
    /// one context (its current-context), trusting the fake CA — what a console
    /// test or the benchmark hands to porthole and kubectl.
    public func writeKubeconfig(
        to path: String, name: String, user: String, token: String,
        namespace: String? = nil
    ) throws {
        let context = namespace.map { "{cluster: \(name), user: \(user), namespace: \($0)}" } ?? "{cluster: \(name), user: \(user)}"
        try """
            apiVersion: v1
            kind: Config
            current-context: \(name)
            clusters:
            - name: \(name)
              cluster: {server: "\(url)", certificate-authority: "\(certificates.caCertificate)"}
            users:
            - name: \(user)
              user: {token: \(token)}
            contexts:
            - name: \(name)
              context: \(context)
            """.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
