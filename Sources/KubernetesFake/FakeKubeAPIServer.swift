import ExecCore
import Foundation
import LocalRuntime
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// A Kubernetes API server for tests and benchmarks, following kube-apiserver
/// 1.32 where porthole and kubectl can tell (docs/PROTOCOL.md §5): HTTPS with
/// client-certificate and bearer-token auth, discovery, pods (list with
/// limit/continue, Table only when asked, watch with bookmarks and 410),
/// ReplicaSets, metrics.k8s.io, `pods/exec` over WebSocket running a real
/// local process, and `pods/log` from the store's `FakePodLogs` (follow, tail,
/// previous, timestamps, limitBytes, since).
public final class FakeKubeAPIServer: @unchecked Sendable {
    public struct Options: Sendable {
        /// Bearer tokens and the user each one is.
        public var tokens: [String: String] = [:]
        /// Tokens that were valid once: answered 401 like any unknown token.
        public var expiredTokens: Set<String> = []
        /// Users RBAC refuses `create pods/exec`.
        public var execForbidden: Set<String> = []
        /// Users RBAC refuses `get pods/log`.
        public var logForbidden: Set<String> = []
        /// Exec subprotocols the server accepts: 1.32 takes only v5 over WebSocket;
        /// [.v4] plays an older server.
        public var execDialects: [ExecDialect] = [.v5]
        /// Seconds between watch bookmarks (when the watch asked for them).
        public var bookmarkInterval: Double = 1
        /// Where exec'd processes start.
        public var workDirectory: String = NSTemporaryDirectory()
        /// false: a cluster without Knative Serving (its API group 404s and is not discovered).
        public var knative = true
        /// true: serve the certificate naming only `FakeCertificates.namedServerHost`, no IP.
        public var namedCertificate = false
        public init() {}
    }

    public let store: FakeKubeStore
    public let certificates: FakeCertificates
    public let options: Options
    private let group: EventLoopGroup
    private var channel: Channel?
    private let lock = NSLock()
    private var log: [String] = []
    public private(set) var port = 0

    public init(certificates: FakeCertificates, store: FakeKubeStore = FakeKubeStore(), options: Options = Options(),
                group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.certificates = certificates
        self.store = store
        self.options = options
        self.group = group
    }

    /// `https://127.0.0.1:PORT`
    public var url: String { "https://127.0.0.1:\(port)" }

    /// Every request line seen, "METHOD path?query" (tests check what was asked).
    public var requests: [String] {
        lock.lock()
        defer { lock.unlock() }
        return log
    }

    func record(_ line: String) {
        lock.lock()
        log.append(line)
        lock.unlock()
    }

    public func start() async throws {
        let (certificate, key) = options.namedCertificate
            ? (certificates.namedServerCertificate, certificates.namedServerKey) : (certificates.serverCertificate, certificates.serverKey)
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        tls.certificateVerification = .optionalVerification
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificates.caCertificate))
        let context = try NIOSSLContext(configuration: tls)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                let handler = FakeAPIHandler(server: self)
                let upgrader = NIOWebSocketServerUpgrader(
                    maxFrameSize: 1 << 24, automaticErrorHandling: true,
                    shouldUpgrade: { [self] channel, head in
                        let user = FakeAPIHandler.user(of: channel, head: head, server: self)
                        return channel.eventLoop.makeSucceededFuture(upgradeHeaders(head: head, user: user))
                    },
                    upgradePipelineHandler: { [self] channel, head in
                        let user = FakeAPIHandler.user(of: channel, head: head, server: self)
                        return startExec(channel: channel, head: head, user: user)
                    })
                let bound = NIOLoopBound(handler, eventLoop: channel.eventLoop)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withServerUpgrade: (upgraders: [upgrader], completionHandler: { context in
                            context.pipeline.syncOperations.removeHandler(bound.value, promise: nil)
                        }))
                    try channel.pipeline.syncOperations.addHandler(bound.value)
                }
            }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        self.channel = channel
        port = channel.localAddress?.port ?? 0
    }

    public func stop() async {
        try? await channel?.close()
    }

    // MARK: Exec

    /// What an exec request asks for, or the HTTP answer that refuses it.
    enum ExecDecision {
        case run(ExecRequest, container: String, dialect: ExecDialect, notRunning: String?, pod: JSONObject)
        case refuse(HTTPResponseStatus, body: JSONObject?)
    }

    func execDecision(head: HTTPRequestHead, user: String?) -> ExecDecision? {
        let (path, query) = FakeAPIHandler.split(head.uri)
        let parts = path.split(separator: "/").map(String.init)
        // api v1 namespaces NS pods NAME exec
        guard parts.count == 7, parts[0] == "api", parts[1] == "v1", parts[2] == "namespaces", parts[4] == "pods", parts[6] == "exec"
        else { return nil }
        let namespace = parts[3], name = parts[5]
        guard let user else { return .refuse(.unauthorized, body: FakeStatus.make(401, reason: "Unauthorized", message: "Unauthorized")) }
        if options.execForbidden.contains(user) {
            return .refuse(.forbidden, body: FakeStatus.make(
                403, reason: "Forbidden",
                message: "pods \"\(name)\" is forbidden: User \"\(user)\" cannot create resource \"pods/exec\" in API group \"\" in the namespace \"\(namespace)\"",
                details: ["name": name, "kind": "pods"]))
        }
        guard let pod = store.pod(namespace, name) else {
            return .refuse(.notFound, body: FakeStatus.make(404, reason: "NotFound", message: "pods \"\(name)\" not found", details: ["name": name, "kind": "pods"]))
        }
        var command: [String] = []
        var flags: [String: Bool] = [:]
        var container: String?
        for (key, value) in FakeAPIHandler.queryItems(query) {
            switch key {
            case "command": command.append(value)
            case "container": container = value
            case "stdin", "stdout", "stderr", "tty": flags[key] = value == "true" || value == "1"
            default: break
            }
        }
        let spec = pod["spec"] as? JSONObject ?? [:]
        let containers = (spec["containers"] as? [JSONObject] ?? []).compactMap { $0["name"] as? String }
        // The API server ignores kubectl.kubernetes.io/default-container: clients apply it.
        if container == nil {
            guard containers.count == 1 else {
                return .refuse(.badRequest, body: FakeStatus.make(
                    400, reason: "BadRequest",
                    message: "a container name must be specified for pod \(name), choose one of: [\(containers.joined(separator: " "))]"))
            }
            container = containers[0]
        }
        guard let container, containers.contains(container) else {
            return .refuse(.badRequest, body: FakeStatus.make(
                400, reason: "BadRequest", message: "container \(container ?? "") is not valid for pod \(name)"))
        }
        let status = pod["status"] as? JSONObject ?? [:]
        let phase = status["phase"] as? String ?? "Pending"
        if phase == "Succeeded" || phase == "Failed" {
            return .refuse(.badRequest, body: FakeStatus.make(
                400, reason: "BadRequest", message: "cannot exec into a container in a completed pod; current phase is \(phase)"))
        }
        if (spec["nodeName"] as? String ?? "").isEmpty {
            return .refuse(.badRequest, body: FakeStatus.make(400, reason: "BadRequest", message: "pod \(name) does not have a host assigned"))
        }
        guard !command.isEmpty else {
            return .refuse(.badRequest, body: FakeStatus.make(400, reason: "BadRequest", message: "you must specify at least one command for the container"))
        }
        let stdin = flags["stdin"] ?? false, stdout = flags["stdout"] ?? false, tty = flags["tty"] ?? false
        let stderr = (flags["stderr"] ?? false) && !tty
        guard stdin || stdout || stderr else {
            return .refuse(.badRequest, body: FakeStatus.make(400, reason: "BadRequest", message: "you must specify at least 1 of stdin, stdout, stderr"))
        }
        let offered = head.headers["Sec-WebSocket-Protocol"].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard let dialect = options.execDialects.first(where: { offered.contains($0.rawValue) }) else {
            // What 1.32 does for a subprotocol it does not speak: 403, empty body.
            return .refuse(.forbidden, body: nil)
        }
        var notRunning: String?
        let statuses = status["containerStatuses"] as? [JSONObject] ?? []
        if let mine = statuses.first(where: { $0["name"] as? String == container }) {
            let state = mine["state"] as? JSONObject ?? [:]
            if state["running"] == nil {
                let waiting = (state["waiting"] as? JSONObject)?["reason"] as? String
                notRunning = "container \(container) is not running\(waiting.map { " (\($0))" } ?? "")"
            }
        } else {
            notRunning = "container \(container) is not running"
        }
        if let notRunning, dialect == .v4 {
            // Older servers fail the request itself.
            return .refuse(.internalServerError, body: FakeStatus.make(500, reason: "InternalError", message: "Internal error occurred: \(notRunning)"))
        }
        let request = ExecRequest(
            functionName: namespace, instanceId: name, command: command, stdin: stdin, stdout: stdout, stderr: stderr, tty: tty)
        return .run(request, container: container, dialect: dialect, notRunning: notRunning, pod: pod)
    }

    func upgradeHeaders(head: HTTPRequestHead, user: String?) -> HTTPHeaders? {
        record("OFFER \(head.headers["Sec-WebSocket-Protocol"].joined(separator: ","))")
        guard case .run(_, _, let dialect, _, _)? = execDecision(head: head, user: user) else { return nil }
        return HTTPHeaders([("Sec-WebSocket-Protocol", dialect.rawValue)])
    }

    private func startExec(channel: Channel, head: HTTPRequestHead, user: String?) -> EventLoopFuture<Void> {
        record("UPGRADE \(head.uri)")
        guard case .run(let request, let container, let dialect, let notRunning, let pod)? = execDecision(head: head, user: user) else {
            return channel.close()
        }
        let metadata = pod["metadata"] as? JSONObject ?? [:]
        let annotations = metadata["annotations"] as? JSONObject ?? [:]
        var environment: [String: String] = [
            "PATH": annotations["fake.porthole/PATH"] as? String ?? "/usr/local/bin:/usr/bin:/bin",
            "HOME": options.workDirectory, "HOSTNAME": request.instanceId,
            "FAKE_POD": request.instanceId, "FAKE_NAMESPACE": request.functionName, "FAKE_CONTAINER": container,
        ]
        if request.tty { environment["TERM"] = "xterm-256color" }
        let directory = options.workDirectory
        let handler = ExecSessionPump(
            codec: FrameCodec(dialect: dialect, side: .server), request: request, eventLoop: channel.eventLoop,
            startProcess: { loop, size in
                if let notRunning {
                    return loop.makeFailedFuture(ExecSpawnError.refused(.failure(reason: "InternalError", message: notRunning)))
                }
                guard let path = Self.executable(request.command[0], path: environment["PATH"] ?? "") else {
                    return loop.makeFailedFuture(ExecSpawnError.commandNotFound(request.command[0]))
                }
                return LocalProcessExec.start(
                    argv: [path] + request.command.dropFirst(), environment: environment, directory: directory, tty: request.tty,
                    stdin: request.stdin, size: size ?? TerminalSize(cols: 80, rows: 24), eventLoop: loop)
            },
            onFinish: { _ in })
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandlers([
                NIOWebSocketFrameAggregator(minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 4096, maxAccumulatedFrameSize: 1 << 26),
                handler,
            ])
        }
    }

    static func executable(_ name: String, path: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        for directory in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
            return "\(directory)/\(name)"
        }
        return nil
    }
}


/// `metav1.Status` bodies.
enum FakeStatus {
    static func make(_ code: Int, reason: String, message: String, details: JSONObject? = nil) -> JSONObject {
        var status: JSONObject = [
            "kind": "Status", "apiVersion": "v1", "metadata": JSONObject(), "status": "Failure",
            "message": message, "reason": reason, "code": code,
        ]
        if let details { status["details"] = details }
        return status
    }
}
