import ExecCore
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Platform

/// The local platform's HTTP + WebSocket API on one port: Function Compute
/// shaped REST calls and exec sessions (docs/PROTOCOL.md §1–§4), for porthole's
/// bearer token and for access keys signing as Function Compute's SDKs do.
public final class APIServer: Sendable {
    public let platform: LocalPlatform
    let token: AccessToken
    /// The service FC 2.0 paths name (`/2016-08-15/services/{service}/…`).
    public let serviceName: String
    let authenticator: RequestAuthenticator
    public let limits: APILimits
    let gate: ConnectionGate
    /// Unfinished exec messages across every connection (`limits.maxPendingMessageBytes`).
    let messageBudget: WebSocketMessageAssembler.Budget
    private let group: EventLoopGroup
    /// The listening channel once `start` has bound it; `stop` may run on
    /// another thread, hence the lock.
    private let channel = NIOLockedValueBox<Channel?>(nil)

    public init(
        platform: LocalPlatform, token: AccessToken, accessKeys: AccessKeys? = nil, serviceName: String = "porthole",
        limits: APILimits = APILimits(), group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.platform = platform
        self.token = token
        self.serviceName = serviceName
        self.authenticator = RequestAuthenticator(token: token, accessKeys: accessKeys)
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
                // The exec checks run once per upgrade request (a signed
                // request's nonce is good once); the upgrade and, when it is
                // refused, the HTTP handler read the outcome from here.
                let pending = PendingExecPlan()
                let handler = APIHandler(server: self, pendingExec: pending)
                // Added, and removed after an upgrade, on the channel's event loop.
                let timeouts = NIOLoopBound(
                    RequestTimeoutHandler(
                        requestTimeout: Self.amount(limits.requestTimeout), idleTimeout: Self.amount(limits.idleTimeout)),
                    eventLoop: channel.eventLoop)
                let upgrader = NIOWebSocketServerUpgrader(
                    maxFrameSize: limits.maxMessageSize, automaticErrorHandling: true,
                    shouldUpgrade: { [self] channel, head in
                        let plan = self.execPlan(for: head)
                        pending.value = plan
                        return channel.eventLoop.makeSucceededFuture(self.upgradeHeaders(for: plan))
                    },
                    upgradePipelineHandler: { [self] channel, head in
                        let plan = pending.value ?? self.execPlan(for: head)
                        pending.value = nil
                        return self.startExec(channel: channel, plan: plan)
                    })
                return channel.pipeline.configureHTTPServerPipeline(
                    withServerUpgrade: (upgraders: [upgrader], completionHandler: { context in
                        context.pipeline.removeHandler(handler, promise: nil)
                        context.pipeline.syncOperations.removeHandler(timeouts.value, promise: nil)
                    })
                ).flatMapThrowing { try channel.pipeline.syncOperations.addHandlers([timeouts.value, handler]) }
            }
        let channel = try await bootstrap.bind(host: host, port: port).get()
        self.channel.withLockedValue { $0 = channel }
        return (host, channel.localAddress?.port ?? port)
    }

    public func stop() async {
        try? await channel.withLockedValue { $0 }?.close()
    }

    // MARK: Exec upgrade

    /// nil refuses the upgrade: the request then reaches `APIHandler`, which
    /// answers with the JSON error that says why.
    func upgradeHeaders(for plan: Result<ExecPlan, APIError>) -> HTTPHeaders? {
        guard case .success(let plan) = plan else { return nil }
        var headers = HTTPHeaders()
        if plan.dialect != .functionCompute { headers.add(name: "Sec-WebSocket-Protocol", value: plan.dialect.rawValue) }
        headers.add(name: "x-fc-request-id", value: APIHandler.requestId())
        return headers
    }

    struct ExecPlan {
        var request: ExecRequest
        var dialect: ExecDialect
        /// Who asked, for the audit log.
        var identity: String
    }

    /// Everything that must hold before an exec upgrade: a valid token, a live
    /// instance, a good query, a subprotocol we speak.
    func execPlan(for head: HTTPRequestHead) -> Result<ExecPlan, APIError> {
        guard let (route, query) = APIRoute.parse(head.uri, service: serviceName), case .exec(let function, let instanceId) = route else {
            return .failure(APIError(status: 404, code: "NotFound", message: "no such path: \(head.uri)"))
        }
        switch authenticate(head, body: []) {
        case .success(let identity):
            return execChecks(for: head, function: function, instanceId: instanceId, query: query, identity: identity)
        case .failure(let error):
            return .failure(error)
        }
    }

    /// The checks after authentication: a live instance, a good query, a subprotocol we speak.
    func execChecks(for head: HTTPRequestHead, function: String, instanceId: String, query: String, identity: String) -> Result<ExecPlan, APIError> {
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
        return .success(ExecPlan(request: request, dialect: dialect, identity: identity))
    }

    private func startExec(channel: Channel, plan: Result<ExecPlan, APIError>) -> EventLoopFuture<Void> {
        guard case .success(let plan) = plan else {
            return channel.close()
        }
        gate.authenticated(channel)
        let handler = platform.makeExecHandler(
            request: plan.request, dialect: plan.dialect, identity: plan.identity, eventLoop: channel.eventLoop)
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
        if let (route, query) = APIRoute.parse(head.uri, service: serviceName), case .exec(let fn, let id) = route {
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
        let identity = claimedIdentity(head)
        platform.audit.append(AuditLog.Refusal(
            time: AuditLog.timestamp(Date()), identity: identity, peer: peer, function: function, instance: instance,
            argv: argv, httpStatus: error.status, code: error.code, reason: error.message))
    }

    // MARK: Auth

    /// Whether the request carries porthole's bearer token (either header
    /// form). Cheap and without side effects, unlike `authenticate`, which
    /// spends a signed request's nonce.
    func holdsBearerToken(_ head: HTTPRequestHead) -> Bool {
        let authorization = head.headers.first(name: "Authorization") ?? ""
        if authorization.hasPrefix("Bearer ") { return token.matches(String(authorization.dropFirst("Bearer ".count))) }
        if authorization.isEmpty, let bearer = head.headers.first(name: "x-acs-bearer-token") { return token.matches(bearer) }
        return false
    }

    /// Who a refused request said it was, for the audit log: the token's
    /// fingerprint when it held the token, the access key id it signed with
    /// (claimed, not proved), or what was missing. Never a secret.
    func claimedIdentity(_ head: HTTPRequestHead) -> String {
        if holdsBearerToken(head) { return authenticator.tokenIdentity }
        let authorization = head.headers.first(name: "Authorization") ?? ""
        if authorization.hasPrefix(ACS3Signature.algorithm + " "),
           let credential = authorization.split(separator: ",").first?.split(separator: "=").last {
            return "access key \(credential) (signature refused)"
        }
        if authorization.hasPrefix("FC "), let key = authorization.dropFirst(3).split(separator: ":").first {
            return "access key \(key) (signature refused)"
        }
        if authorization.isEmpty, head.headers.first(name: "x-acs-bearer-token") == nil { return "no token" }
        return "wrong token"
    }

    /// Checks a request's credentials (bearer token or access-key signature);
    /// returns who made it, for the audit log: the token's fingerprint or the
    /// access key id, never a secret.
    func authenticate(_ head: HTTPRequestHead, body: [UInt8]) -> Result<String, APIError> {
        authenticator.authenticate(method: head.method.rawValue, uri: head.uri, headers: head.headers, body: body)
    }
}

/// The outcome of one connection's latest exec checks, handed from the
/// upgrade decision to the upgrade (or to the HTTP handler that answers a
/// refused one).
///
/// `@unchecked Sendable`: the upgrader's callbacks must be `@Sendable`, but
/// `value` is read and written only on the connection's event loop (the
/// upgrade callbacks and `APIHandler.channelRead` all run there), so it is
/// never touched from two threads.
final class PendingExecPlan: @unchecked Sendable {
    var value: Result<APIServer.ExecPlan, APIError>?
}
