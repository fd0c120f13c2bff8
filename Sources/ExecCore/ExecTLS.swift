import NIOSSL

/// TLS for an exec connection (`wss://`), as a Kubernetes API server needs:
/// the client context carries the CA, client certificate and verification
/// mode; `serverHostname` is the name checked and sent as SNI (kubeconfig's
/// `tls-server-name`, else the server's host; nil for an IP address).
public struct ExecTLS: Sendable {
    public var context: NIOSSLContext
    public var serverHostname: String?

    public init(context: NIOSSLContext, serverHostname: String?) {
        self.context = context
        self.serverHostname = serverHostname
    }
}
