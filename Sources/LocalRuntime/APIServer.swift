import ExecCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Platform

/// The local platform's HTTP + WebSocket API on one port: Function Compute
/// shaped REST calls and exec sessions (docs/PROTOCOL.md §1 and §3).
public final class APIServer: @unchecked Sendable {
    public let platform: LocalPlatform
    let token: AccessToken
    public let limits: APILimits
    let gate: ConnectionGate
    /// Unfinished exec messages across every connection (`limits.maxPendingMessageBytes`).
    let messageBudget: WebSocketMessageAssembler.Budget
    private let group: EventLoopGroup
    private var channel: Channel?

    public init(platform: LocalPlatform, token: AccessToken, limits: APILimits = APILimits(),
                group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.platform = platform
        self.token = token
        self.limits = limits
        self.gate = ConnectionGate(cap: limits.maxUnauthenticatedConnections)
        self.messageBudget = WebSocketMessageAssembler.Budget(limit: limits.maxPendingMessageBytes)
        self.group = group
    }

    static func amount(_ seconds: TimeInterval) -> TimeAmount { .nanoseconds(Int64(seconds * 1e9)) }

    /// Bytes of unfinished exec messages held now, across every connection.
    public var pendingMessageBytes: Int { messageBudget.inUse }

    /// Connections that have not yet sent a request with the token.
    public var unauthenticatedConnections: Int { gate.unauthenticatedCount }

    /// Binds and starts serving; returns the bound address (port 0 picks a free port).
    @discardableResult
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> (host: String, port: Int) {
        let backoff = Self.amount(limits.acceptBackoff)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelInitializer { channel in
                // Out of descriptors, accept() fails at once and would be retried at
                // once: pause accepting instead of spinning a core.
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptPauseHandler(pause: backoff))
                }
            }
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 256 * 1024, high: 1024 * 1024))
            .childChannelInitializer { [self] channel in
                gate.admit(channel)
                let handler = APIHandler(server: self)
                let timeouts = RequestTimeoutHandler(
                    requestTimeout: Self.amount(limits.requestTimeout), idleTimeout: Self.amount(limits.idleTimeout))
                let upgrader = NIOWebSocketServerUpgrader(
                    maxFrameSize: limits.maxMessageSize, automaticErrorHandling: true,
                    shouldUpgrade: { [self] channel, head in
                        channel.eventLoop.makeSucceededFuture(self.upgradeHeaders(for: head))
                    },
                    upgradePipelineHandler: { [self] channel, head in
                        self.startExec(channel: channel, head: head)
                    })
                return channel.pipeline.configureHTTPServerPipeline(
                    withServerUpgrade: (upgraders: [upgrader], completionHandler: { context in
                        context.pipeline.removeHandler(handler, promise: nil)
                        context.pipeline.removeHandler(timeouts, promise: nil)
                    })
                ).flatMap { channel.pipeline.addHandlers([timeouts, handler]) }
            }
        let channel = try await bootstrap.bind(host: host, port: port).get()
        self.channel = channel
        return (host, channel.localAddress?.port ?? port)
    }

    public func stop() async {
        try? await channel?.close()
    }

    // MARK: Exec upgrade

    /// nil refuses the upgrade: the request then reaches `APIHandler`, which
    /// answers with the JSON error that says why.
    func upgradeHeaders(for head: HTTPRequestHead) -> HTTPHeaders? {
        guard case .success(let plan) = execPlan(for: head) else { return nil }
        var headers = HTTPHeaders()
        if plan.dialect != .functionCompute { headers.add(name: "Sec-WebSocket-Protocol", value: plan.dialect.rawValue) }
        return headers
    }

    struct ExecPlan {
        var request: ExecRequest
        var dialect: ExecDialect
    }

    /// Everything that must hold before an exec upgrade: a valid token, a live
    /// instance, a good query, a subprotocol we speak.
    func execPlan(for head: HTTPRequestHead) -> Result<ExecPlan, APIError> {
        guard let (route, query) = APIRoute.parse(head.uri), case .exec(let function, let instanceId) = route else {
            return .failure(APIError(status: 404, code: "NotFound", message: "no such path: \(head.uri)"))
        }
        guard authorized(head) else { return .failure(.unauthorized()) }
        do {
            _ = try platform.execTarget(function: function, instanceId: instanceId)
        } catch let error as APIError {
            return .failure(error)
        } catch {
            return .failure(APIError(status: 500, code: "InternalError", message: "\(error)"))
        }
        let request: ExecRequest
        do {
            request = try ExecRequest.parse(functionName: function, instanceId: instanceId, query: query)
        } catch {
            return .failure(APIError(status: 400, code: "InvalidArgument", message: "\(error)"))
        }
        guard let dialect = ExecDialect.negotiate(offered: head.headers["Sec-WebSocket-Protocol"]) else {
            return .failure(APIError(
                status: 400, code: "InvalidArgument",
                message: "unsupported Sec-WebSocket-Protocol \(head.headers["Sec-WebSocket-Protocol"].joined(separator: ", ")); this server speaks v5.channel.k8s.io and v4.channel.k8s.io, or Function Compute's dialect with none"))
        }
        return .success(ExecPlan(request: request, dialect: dialect))
    }

    private func startExec(channel: Channel, head: HTTPRequestHead) -> EventLoopFuture<Void> {
        guard case .success(let plan) = execPlan(for: head) else {
            return channel.close()
        }
        gate.authenticated(channel)
        let handler = platform.makeExecHandler(
            request: plan.request, dialect: plan.dialect, identity: identity(head), eventLoop: channel.eventLoop)
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandlers([
                WebSocketMessageAssembler(maxMessageSize: limits.maxMessageSize, budget: messageBudget),
                handler,
            ])
        }
    }

    /// Writes a refused exec attempt to the audit log: who (never the token
    /// itself), from where, on what, and the answer it got.
    func auditRefusal(_ head: HTTPRequestHead, peer: String, error: APIError) {
        var function: String?
        var instance: String?
        var argv: [String] = []
        if let (route, query) = APIRoute.parse(head.uri), case .exec(let fn, let id) = route {
            function = fn
            instance = id
            // Whatever argv was asked for, even when the rest of the query is bad.
            for pair in query.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                if ExecRequest.percentDecode(String(parts[0])) == "command" {
                    argv.append(parts.count > 1 ? ExecRequest.percentDecode(String(parts[1])) : "")
                }
            }
        }
        let identity: String
        if authorized(head) {
            identity = self.identity(head)
        } else {
            identity = head.headers.first(name: "Authorization") == nil ? "no token" : "wrong token"
        }
        platform.audit.append(AuditLog.Refusal(
            time: AuditLog.timestamp(Date()), identity: identity, peer: peer, function: function, instance: instance,
            argv: argv, httpStatus: error.status, code: error.code, reason: error.message))
    }

    // MARK: Auth

    func authorized(_ head: HTTPRequestHead) -> Bool {
        guard let header = head.headers.first(name: "Authorization") else { return false }
        let prefix = "Bearer "
        guard header.hasPrefix(prefix) else { return false }
        return token.matches(String(header.dropFirst(prefix.count)))
    }

    /// Who made a call, for the audit log: the token's fingerprint, never the token.
    func identity(_ head: HTTPRequestHead) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in token.value.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return "token:" + String(hash, radix: 16).suffix(8) + "@uid\(getuid())"
    }
}
