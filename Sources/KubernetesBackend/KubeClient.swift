import AsyncHTTPClient
import ExecCore
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// HTTPS to one API server as one kubeconfig user: TLS as the cluster entry
/// says, credentials as the user entry says (exec plugin output cached until it
/// expires, and fetched again once when the server answers 401).
public final class KubeClient: Sendable {
    public let clusterName: String
    public let userName: String
    public let cluster: Kubeconfig.Cluster
    public let user: Kubeconfig.User
    /// Where the server is: `https`, host, port and a path prefix (some proxies serve under one).
    public let scheme: String
    public let host: String
    public let port: Int
    public let basePath: String
    /// Connections kept to the server at most (HTTP/1.1); the next request waits for one to come free.
    public let connectionLimit: Int

    private struct State {
        var credential: KubeCredential?
        var client: HTTPClient?
        /// The client certificate the current client was built with.
        var clientIdentity: [UInt8]?
        var retired: [HTTPClient] = []
        var pluginRuns = 0
    }
    private let state = NIOLockedValueBox(State())

    public init(
        cluster: Kubeconfig.Cluster, clusterName: String, user: Kubeconfig.User, userName: String, connectionLimit: Int = 64
    ) throws {
        self.connectionLimit = connectionLimit
        self.cluster = cluster
        self.clusterName = clusterName
        self.user = user
        self.userName = userName
        guard let url = URL(string: cluster.server), let scheme = url.scheme?.lowercased(), let host = url.host,
            scheme == "https" || scheme == "http"
        else {
            throw KubernetesError.configuration(
                "cluster \(clusterName): server \(cluster.server) is not an https:// URL; fix clusters[].cluster.server in the kubeconfig")
        }
        self.scheme = scheme
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        self.port = url.port ?? (scheme == "https" ? 443 : 80)
        let path = url.path
        self.basePath = path == "/" ? "" : (path.hasSuffix("/") ? String(path.dropLast()) : path)
    }

    /// How many times the exec plugin ran (tests check the cache with it).
    public var pluginRuns: Int { state.withLockedValue { $0.pluginRuns } }

    // MARK: Credentials

    /// The credential to send now: the cached one while it is valid.
    private let pluginLock = NIOLock()

    public func credential(refresh: Bool = false) throws -> KubeCredential {
        if let plugin = user.exec {
            // One run at a time: requests that start together (pods, workloads and
            // metrics on the first refresh) share one credential, as client-go's do.
            pluginLock.lock()
            defer { pluginLock.unlock() }
            let cached = state.withLockedValue { $0.credential }
            if !refresh, let cached, cached.expires.map({ $0.timeIntervalSinceNow > 10 }) ?? true { return cached }
            let fresh = try ExecCredentialPlugin.run(plugin, cluster: cluster, user: userName)
            state.withLockedValue {
                $0.credential = fresh
                $0.pluginRuns += 1
            }
            return fresh
        }
        var credential = KubeCredential(token: user.token)
        if credential.token == nil, let file = user.tokenFile {
            // Read each time: projected service-account tokens are rotated in place.
            guard let data = FileManager.default.contents(atPath: file) else {
                throw KubernetesError.configuration("user \(userName): cannot read tokenFile \(file)")
            }
            credential.token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        credential.clientCertificatePEM = try user.clientCertificateData ?? read(user.clientCertificate, "client-certificate")
        credential.clientKeyPEM = try user.clientKeyData ?? read(user.clientKey, "client-key")
        if (credential.clientCertificatePEM == nil) != (credential.clientKeyPEM == nil) {
            throw KubernetesError.configuration(
                "user \(userName): a client certificate needs both client-certificate(-data) and client-key(-data)")
        }
        return credential
    }

    private func read(_ file: String?, _ key: String) throws -> [UInt8]? {
        guard let file else { return nil }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw KubernetesError.configuration("user \(userName): cannot read \(key) \(file)")
        }
        return Array(data)
    }

    /// The CA bundle named for messages.
    var caDescription: String {
        if cluster.insecureSkipTLSVerify { return "none (insecure-skip-tls-verify)" }
        if cluster.certificateAuthorityData != nil { return "certificate-authority-data of cluster \(clusterName)" }
        if let file = cluster.certificateAuthority { return file }
        return "the system trust store"
    }

    /// TLS as the cluster and credential say.
    public func tlsConfiguration(for credential: KubeCredential) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        // Closing a watch must not wait the default 5 s for the server's close_notify.
        tls.shutdownTimeout = .seconds(1)
        if cluster.insecureSkipTLSVerify {
            tls.certificateVerification = .none
        } else if let pem = try cluster.certificateAuthorityData ?? read(cluster.certificateAuthority, "certificate-authority") {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(pem))
            } catch {
                throw KubernetesError.configuration("cluster \(clusterName): the certificate authority is not PEM: \(error)")
            }
        }
        if let certificate = credential.clientCertificatePEM, let key = credential.clientKeyPEM {
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(certificate).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: key, format: .pem))
            } catch {
                throw KubernetesError.configuration("user \(userName): the client certificate or key is not PEM: \(error)")
            }
        }
        return tls
    }

    /// The name the server's certificate must carry (tls-server-name, else the host; nil for an IP).
    var verifiedHostname: String? {
        if let name = cluster.tlsServerName, !name.isEmpty { return name }
        return host.allSatisfy({ $0.isNumber || $0 == "." || $0 == ":" }) ? nil : host
    }

    private func httpClient(for credential: KubeCredential) throws -> HTTPClient {
        let identity = credential.clientCertificatePEM
        if let existing = state.withLockedValue({ $0.client != nil && $0.clientIdentity == identity ? $0.client : nil }) {
            return existing
        }
        var configuration = HTTPClient.Configuration()
        if scheme == "https" { configuration.tlsConfiguration = try tlsConfiguration(for: credential) }
        configuration.timeout = .init(connect: .seconds(5))
        configuration.connectionPool.retryConnectionEstablishment = false
        // Over HTTP/1.1 (a server or proxy without HTTP/2) every followed log and
        // the pod watch hold a connection each: at the default 8, a console with
        // a few log panes open could not refresh. (kubectl multiplexes them over
        // one HTTP/2 connection; so does this client where the server offers h2.)
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connectionLimit
        if let name = cluster.tlsServerName, !name.isEmpty, name != host {
            // Connect to the server's address but check (and SNI) the certificate as `name`.
            configuration.dnsOverride = [name: host]
        }
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        // Held until shut down: a command that exits early (an error, an exit code) must
        // not end in AsyncHTTPClient's "not shut down before the deinit" trap.
        Self.unclosed.withLockedValue { $0[ObjectIdentifier(client)] = client }
        state.withLockedValue { state in
            if let old = state.client { state.retired.append(old) }
            state.client = client
            state.clientIdentity = identity
        }
        return client
    }

    /// Shuts the HTTP clients down; call once when done with the backend.
    public func shutdown() async {
        let clients = state.withLockedValue { state -> [HTTPClient] in
            defer { state.client = nil; state.retired = [] }
            return state.retired + (state.client.map { [$0] } ?? [])
        }
        for client in clients {
            try? await client.shutdown()
            _ = Self.unclosed.withLockedValue { $0.removeValue(forKey: ObjectIdentifier(client)) }
        }
    }

    private static let unclosed = NIOLockedValueBox<[ObjectIdentifier: HTTPClient]>([:])

    var urlHost: String {
        let name = cluster.tlsServerName.flatMap { $0.isEmpty ? nil : $0 } ?? host
        return name.contains(":") ? "[\(name)]" : name
    }

    public var serverDescription: String { cluster.server }

    // MARK: Requests

    /// What a request is for, so a 403 can name the verb and resource.
    public struct Purpose: Sendable {
        public var verb: String
        public var resource: String
        public var namespace: String?
        public init(verb: String, resource: String, namespace: String?) {
            self.verb = verb
            self.resource = resource
            self.namespace = namespace
        }
    }

    /// GET `path` and decode the JSON answer; API errors become `KubernetesError`s.
    public func get<T: Decodable>(_ path: String, as type: T.Type, purpose: Purpose) async throws -> T {
        let (status, body) = try await send(path, accept: "application/json", purpose: purpose)
        guard status < 300 else { throw error(status: status, body: body, purpose: purpose) }
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch {
            throw KubernetesError.badResponse("\(path): \(error)")
        }
    }

    /// One request; retried once with a fresh plugin credential after a 401.
    public func send(_ path: String, accept: String, purpose: Purpose) async throws -> (Int, [UInt8]) {
        var answer = try await sendOnce(path, accept: accept, credential: credential())
        if answer.0 == 401, user.exec != nil {
            answer = try await sendOnce(path, accept: accept, credential: credential(refresh: true))
        }
        return answer
    }

    /// A GET of `path` under the server's base path, with the credential's token.
    private func makeRequest(_ path: String, accept: String, credential: KubeCredential) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: "\(scheme)://\(urlHost):\(port)\(basePath)\(path)")
        request.headers.add(name: "Accept", value: accept)
        request.headers.add(name: "User-Agent", value: "porthole")
        if let token = credential.token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        return request
    }

    private func sendOnce(_ path: String, accept: String, credential: KubeCredential) async throws -> (Int, [UInt8]) {
        let client = try httpClient(for: credential)
        let request = makeRequest(path, accept: accept, credential: credential)
        do {
            let response = try await client.execute(request, timeout: .seconds(60))
            let buffer = try await response.body.collect(upTo: 512 * 1024 * 1024)
            return (Int(response.status.code), Array(buffer.readableBytesView))
        } catch {
            throw transportError(error)
        }
    }

    /// Streams a watch: calls `onLine` with each JSON line until the server ends
    /// the stream (its `timeoutSeconds`) or the task is cancelled.
    public func watch(_ path: String, purpose: Purpose, onLine: @Sendable ([UInt8]) throws -> Void) async throws {
        let credential = try credential()
        let client = try httpClient(for: credential)
        var request = HTTPClientRequest(url: "\(scheme)://\(urlHost):\(port)\(basePath)\(path)")
        request.headers.add(name: "Accept", value: "application/json")
        if let token = credential.token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(3600))
        } catch {
            throw transportError(error)
        }
        guard response.status.code < 300 else {
            let body = try? await response.body.collect(upTo: 1 << 20)
            throw self.error(status: Int(response.status.code), body: body.map { Array($0.readableBytesView) } ?? [], purpose: purpose)
        }
        var pending: [UInt8] = []
        do {
            for try await chunk in response.body {
                pending += chunk.readableBytesView
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = Array(pending[..<newline])
                    pending.removeSubrange(...newline)
                    if !line.isEmpty {
                        do { try onLine(line) } catch { throw LineFailure(underlying: error) }
                    }
                }
            }
        } catch let failure as LineFailure {
            throw failure.underlying  // the caller's own verdict on a line (a 410), unchanged
        } catch let error as KubernetesError {
            throw error
        } catch {
            throw transportError(error)
        }
        if !pending.isEmpty { try onLine(pending) }
    }

    /// GET `path` and pass its body on in chunks as they arrive (a followed
    /// log): throws before the first chunk for an API error (as `get` does; a
    /// 401 is retried once with a fresh plugin credential); a failure later
    /// ends the stream with `streamInterrupted` naming `what`. No deadline once
    /// the head is in: a followed log may stay open for hours. Cancelling the
    /// reading task, or letting go of the stream, closes the connection, and
    /// so the request.
    public func stream(_ path: String, accept: String, purpose: Purpose, what: String) async throws -> AsyncThrowingStream<[UInt8], any Error> {
        func open(_ credential: KubeCredential) async throws -> HTTPClientResponse {
            let client = try httpClient(for: credential)
            let request = makeRequest(path, accept: accept, credential: credential)
            do {
                return try await client.execute(request, timeout: .seconds(60))
            } catch {
                throw transportError(error)
            }
        }
        var response = try await open(credential())
        if response.status.code == 401, user.exec != nil {
            _ = try? await response.body.collect(upTo: 1 << 20)
            response = try await open(credential(refresh: true))
        }
        guard response.status.code < 300 else {
            let body = try? await response.body.collect(upTo: 1 << 20)
            throw error(status: Int(response.status.code), body: body.map { Array($0.readableBytesView) } ?? [], purpose: purpose)
        }
        // Pulled as the consumer asks: a consumer that does not read (stdout into a
        // pager) stops the reads from the socket instead of piling chunks up here.
        let body = BodyReader(response.body.makeAsyncIterator())
        let server = cluster.server
        return AsyncThrowingStream {
            do {
                while let chunk = try await body.next() {
                    if chunk.readableBytes > 0 { return Array(chunk.readableBytesView) }
                }
                return nil
            } catch {
                // The consumer stopped (its task was cancelled): not a failure of the stream.
                if Task.isCancelled { return nil }
                throw KubernetesError.streamInterrupted(what: what, server: server, reason: "\(error)")
            }
        }
    }

    /// A failure below HTTP: TLS (which host, which CA) or an unreachable server.
    func transportError(_ error: Error) -> Error {
        if error is KubernetesError || error is CancellationError { return error }
        let typeName = String(reflecting: type(of: error))
        let text = "\(error)"
        if typeName.contains("NIOSSL") || typeName.contains("BoringSSL") || text.contains("handshakeFailed")
            || text.contains("CERTIFICATE_VERIFY_FAILED")
        {
            return KubernetesError.tls(
                server: cluster.server, host: verifiedHostname ?? host, ca: caDescription, reason: text)
        }
        if let failure = error as? HTTPClientError, failure == .getConnectionFromPoolTimeout {
            return KubernetesError.noConnection(server: cluster.server, limit: connectionLimit)
        }
        return KubernetesError.unreachable(server: cluster.server, reason: text)
    }

    /// Maps an API error answer (`metav1.Status`) to a `KubernetesError`.
    public func error(status: Int, body: [UInt8], purpose: Purpose) -> KubernetesError {
        let answer = try? JSONDecoder().decode(APIStatus.self, from: Data(body))
        let message = answer?.message ?? (body.isEmpty ? "HTTP \(status)" : String(decoding: body.prefix(500), as: UTF8.self))
        switch status {
        case 401: return .unauthorized(server: cluster.server, user: userName, message: message)
        case 403:
            return .forbidden(message: message, verb: purpose.verb, resource: purpose.resource, namespace: purpose.namespace)
        case 404: return .notFound(message: message)
        default: return .api(status: status, reason: answer?.reason ?? "HTTP\(status)", message: message)
        }
    }

    // MARK: Exec

    /// The TLS, endpoint and headers for an exec WebSocket to this server.
    public func execTransport() throws -> (endpoint: ExecEndpoint, tls: ExecTLS?, headers: [(String, String)]) {
        let credential = try credential()
        var tls: ExecTLS?
        if scheme == "https" {
            let context: NIOSSLContext
            do {
                context = try NIOSSLContext(configuration: tlsConfiguration(for: credential))
            } catch let error as KubernetesError {
                throw error
            } catch {
                throw KubernetesError.configuration("cluster \(clusterName): cannot set up TLS: \(error)")
            }
            tls = ExecTLS(context: context, serverHostname: verifiedHostname)
        }
        var headers: [(String, String)] = []
        if let token = credential.token { headers.append(("Authorization", "Bearer \(token)")) }
        return (ExecEndpoint(host: host, port: port), tls, headers)
    }
}

/// An error thrown by a watch's line handler, kept apart from transport errors.
struct LineFailure: Error {
    var underlying: Error
}

/// A response body read one chunk at a time by one consumer (the stream's
/// unfolding closure, which runs one call at a time). Letting go of it ends the
/// request.
final class BodyReader: @unchecked Sendable {
    private var iterator: HTTPClientResponse.Body.AsyncIterator

    init(_ iterator: HTTPClientResponse.Body.AsyncIterator) {
        self.iterator = iterator
    }

    func next() async throws -> ByteBuffer? {
        try await iterator.next()
    }
}
