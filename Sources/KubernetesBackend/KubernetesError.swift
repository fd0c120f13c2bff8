/// Why a call to a Kubernetes cluster failed, each with what to do about it.
public enum KubernetesError: Error, Equatable, CustomStringConvertible {
    /// The kubeconfig (or a file it names) is missing or broken.
    case configuration(String)
    /// Nothing answered at the API server's address.
    case unreachable(server: String, reason: String)
    /// No connection to the server came free in time: all are held by open streams, or it does not answer.
    case noConnection(server: String, limit: Int)
    /// The TLS handshake failed: the server's certificate is not signed by the CA we trust, or ours was refused.
    case tls(server: String, host: String, ca: String, reason: String)
    /// 401: the credentials are missing, wrong or expired.
    case unauthorized(server: String, user: String, message: String)
    /// 403: RBAC refused the verb on the resource.
    case forbidden(message: String, verb: String, resource: String, namespace: String?)
    /// 404: no such object.
    case notFound(message: String)
    /// The exec credential plugin could not give a credential.
    case credentialPlugin(String)
    /// The pod exists but cannot take an exec (pending, finished, container not running).
    case podNotRunning(pod: String, message: String)
    /// The container's log cannot be read now (not started yet, no previous run, pod not scheduled).
    case logUnavailable(pod: String, container: String, message: String, advice: String)
    /// A stream (a followed log) broke off before the server ended it.
    case streamInterrupted(what: String, server: String, reason: String)
    /// Any other error the API server reported.
    case api(status: Int, reason: String, message: String)
    /// The answer could not be read.
    case badResponse(String)

    public var description: String {
        switch self {
        case .configuration(let message): return message
        case .unreachable(let server, let reason):
            return "cannot reach the Kubernetes API server \(server) (\(reason)); check the cluster's server address in the kubeconfig, your network or VPN, and that the cluster is up (`kubectl cluster-info`)"
        case .noConnection(let server, let limit):
            return "no connection to the Kubernetes API server \(server) came free in time: all \(limit) may be held by open streams (followed logs, the pod watch), so close some; or the server is not answering (`kubectl cluster-info`)"
        case .tls(let server, let host, let ca, let reason):
            return "TLS with \(server) failed: the certificate for \(host) was not accepted with the CA \(ca) (\(reason)); check certificate-authority(-data) and tls-server-name for this cluster in the kubeconfig"
        case .unauthorized(let server, let user, let message):
            return "\(server) refused the credentials of user \(user) (HTTP 401: \(message)); the token or certificate is wrong or expired: log in again (refresh the token, or re-run your cloud's get-credentials command)"
        case .forbidden(let message, let verb, let resource, let namespace):
            let scope = namespace.map { " in namespace \($0)" } ?? " cluster-wide"
            return "\(message) (HTTP 403); ask your cluster admin for a Role granting `\(verb) \(resource)`\(scope) (check with `kubectl auth can-i \(verb) \(resource)\(namespace.map { " -n \($0)" } ?? " -A")`)"
        case .notFound(let message): return message
        case .credentialPlugin(let message): return message
        case .podNotRunning(let pod, let message):
            return "pod \(pod) cannot be exec'd: \(message); only running containers take an exec: pick a Running pod (`porthole instances`)"
        case .logUnavailable(let pod, let container, let message, let advice):
            return "no log to read from container \(container) of pod \(pod): \(message); \(advice)"
        case .streamInterrupted(let what, let server, let reason):
            return "\(what) broke off before its end: the connection to \(server) dropped (\(reason)); read it again (add a tail to skip what you saw)"
        case .api(let status, let reason, let message): return "\(message) (HTTP \(status) \(reason))"
        case .badResponse(let why): return "unreadable answer from the Kubernetes API server: \(why)"
        }
    }
}
