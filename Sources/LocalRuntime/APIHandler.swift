import ExecCore
import Foundation
import NIOCore
import NIOHTTP1
import Platform

/// Answers the REST calls of the local API. Each request is read whole (bodies
/// are capped at the invocation limit), handled in a task, and answered on the
/// channel's event loop.
///
/// `@unchecked Sendable`: the request task calls `handle`, which reads only
/// `server` (a constant, itself `Sendable`); the per-request state (`head`,
/// `peer`, `body`, `tooLarge`) is read and written only on the channel's event
/// loop, in `channelRead` and, through `NIOLoopBound`, in `respond`.
final class APIHandler: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private unowned let server: APIServer
    private let pendingExec: PendingExecPlan
    private var head: HTTPRequestHead?
    /// The client's address, for the audit log.
    private var peer = "?"
    private var body: [UInt8] = []
    private var tooLarge = false

    init(server: APIServer, pendingExec: PendingExecPlan = PendingExecPlan()) {
        self.server = server
        self.pendingExec = pendingExec
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if server.holdsBearerToken(head) { server.gate.authenticated(context.channel) }
            peer = context.channel.remoteAddress.map { "\($0)" } ?? "?"
            self.head = head
            body = []
            tooLarge = false
        case .body(let buffer):
            if body.count + buffer.readableBytes > LocalPlatform.maxPayload { tooLarge = true } else { body += buffer.readableBytesView }
        case .end:
            guard let head else { return }
            self.head = nil
            let request = body
            // An exec the upgrader refused: its checks already ran (once).
            let refusedExec = pendingExec.value
            pendingExec.value = nil
            let peer = self.peer
            let channel = context.channel
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            if tooLarge {
                respond(context: context, head: head, reply: .error(APIError(
                    status: 413, code: "PayloadTooLarge", message: "the request body is larger than \(LocalPlatform.maxPayload) bytes")))
                return
            }
            Task {
                let reply = await self.handle(head: head, body: request, peer: peer, channel: channel, refusedExec: refusedExec)
                channel.eventLoop.execute {
                    let (handler, context) = loopBound.value
                    handler.respond(context: context, head: head, reply: reply)
                }
            }
        }
    }

    enum Reply {
        case json(Int, Data)
        case raw(Int, [(String, String)], [UInt8])
        case error(APIError)
        /// An instance's log, streamed as it is read (`LogReader`), and its audit line so far.
        case log(LogReader, AuditLog.LogRead)
    }

    private func handle(head: HTTPRequestHead, body: [UInt8], peer: String, channel: Channel,
                        refusedExec: Result<APIServer.ExecPlan, APIError>?) async -> Reply {
        guard let (route, query) = APIRoute.parse(head.uri, service: server.serviceName) else {
            return .error(APIError(status: 404, code: "NotFound", message: "no such path: \(head.uri); the API lives under /2023-03-30/ (and FC 2.0's /2016-08-15/services/\(server.serviceName)/)"))
        }
        if case .exec = route, case .failure(let error)? = refusedExec {
            server.auditRefusal(head, peer: peer, error: error)
            return .error(error)
        }
        let identity: String
        switch server.authenticate(head, body: body) {
        case .failure(let error):
            if case .exec = route { server.auditRefusal(head, peer: peer, error: error) }
            return .error(error)
        case .success(let who):
            identity = who
            server.gate.authenticated(channel)
        }
        let platform = server.platform
        let fc2 = APIRoute.isFC2(head.uri)
        do {
            switch (head.method, route) {
            case (_, .unknownService(let name)):
                throw APIError(status: 404, code: "ServiceNotFound", message: "service \(name) does not exist; this server's service is \(server.serviceName) (`service:` in its spec file)")
            case (.GET, .listFunctions):
                return try json(ListQuery(query).page(of: platform.listFunctions()))
            case (.GET, .getFunction(let name)):
                return try json(platform.function(named: name))
            case (.GET, .listInstances(let function)):
                return try json(InstanceList(requestId: Self.requestId(), instances: ListQuery(query).select(platform.listInstances(function: function))))
            case (.GET, .listAllInstances):
                // `since=VERSION`: only what changed after that version (docs/PROTOCOL.md §3);
                // the list filters (withMetrics among them) apply to what is sent.
                var cursor: UInt64?
                if let since = APIRoute.queryValue("since", in: query) {
                    guard let value = UInt64(since) else {
                        throw APIError(status: 400, code: "InvalidArgument", message: "since=\(since) is not a list version: pass back the \"version\" of the last answer")
                    }
                    cursor = value
                }
                let changes = try platform.instanceChanges(since: cursor)
                return try json(InstanceList(requestId: Self.requestId(), instances: ListQuery(query).select(changes.instances),
                                             version: changes.version, removed: changes.removed, full: changes.full))
            case (.GET, .describeInstance(let function, let instance)):
                return try json(platform.describeInstance(function: function, id: instance))
            case (.GET, .provisionConfig(let function)) where fc2:
                let (target, current) = try platform.provisioned(function: function)
                return try json(FC2ProvisionConfig(resource: fc2Resource(function), target: target, current: current))
            case (.PUT, .provisionConfig(let function)) where fc2:
                guard let config = try? JSONDecoder().decode(FC2ProvisionConfigRequest.self, from: Data(body)) else {
                    throw APIError(status: 400, code: "InvalidArgument", message: "expected a JSON body like {\"target\": 2}")
                }
                let (target, current) = try platform.setProvisioned(function: function, target: config.target)
                return try json(FC2ProvisionConfig(resource: fc2Resource(function), target: target, current: current))
            case (.GET, .provisionConfig(let function)):
                let (target, current) = try platform.provisioned(function: function)
                return try json(ProvisionConfig(functionName: function, defaultTarget: target, current: current))
            case (.PUT, .provisionConfig(let function)):
                guard let config = try? JSONDecoder().decode(ProvisionConfigRequest.self, from: Data(body)) else {
                    throw APIError(status: 400, code: "InvalidArgument", message: "expected a JSON body like {\"defaultTarget\": 2}")
                }
                let (target, current) = try platform.setProvisioned(function: function, target: config.defaultTarget)
                return try json(ProvisionConfig(functionName: function, defaultTarget: target, current: current))
            case (_, .invoke(let function, let subpath)):
                let headers = head.headers.map { ($0.name, $0.value) }
                let response = try await platform.invoke(function: function, method: head.method, path: subpath, headers: headers, body: body)
                return .raw(response.status, response.headers + [("x-porthole-instance-id", response.instanceId)], response.body)
            case (.GET, .logs(let function, let instance)):
                let options = try LogQuery(query)
                let reader = try platform.openLog(function: function, instanceId: instance, tailLines: options.tailLines, follow: options.follow)
                return .log(reader, AuditLog.LogRead(
                    start: AuditLog.timestamp(Date()), identity: identity, peer: peer, function: function, instance: instance,
                    tailLines: options.tailLines, follow: options.follow))
            case (.GET, .exec(let function, let instance)):
                // Already authenticated: say what else is wrong before asking for the upgrade
                // (a valid exec that reaches here was not a WebSocket upgrade).
                let error: APIError
                if case .failure(let refused) = server.execChecks(for: head, function: function, instanceId: instance, query: query, identity: "") {
                    error = refused
                } else {
                    error = APIError(status: 400, code: "InvalidArgument", message: "exec needs a WebSocket upgrade (Connection: Upgrade, Upgrade: websocket)")
                }
                server.auditRefusal(head, peer: peer, error: error)
                throw error
            default:
                throw APIError(status: 405, code: "MethodNotAllowed", message: "\(head.method) is not allowed on \(head.uri)")
            }
        } catch let error as APIError {
            return .error(error)
        } catch {
            return .error(APIError(status: 500, code: "InternalError", message: "\(error)"))
        }
    }

    /// FC 2.0 names a provision config `account#service#qualifier#function`.
    private func fc2Resource(_ function: String) -> String {
        "local#\(server.serviceName)#LATEST#\(function)"
    }

    private func json<T: Encodable>(_ value: T) throws -> Reply {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return .json(200, try encoder.encode(value))
    }

    private func respond(context: ChannelHandlerContext, head request: HTTPRequestHead, reply: Reply) {
        if case .log(let reader, let audit) = reply { return streamLog(reader, audit: audit, to: server.platform.audit, context: context, head: request) }
        var headers = HTTPHeaders()
        let requestId = Self.requestId()
        // FC's SDKs read the request id from this header, errors included.
        headers.add(name: "x-fc-request-id", value: requestId)
        let status: Int
        let bytes: [UInt8]
        switch reply {
        case .json(let code, let data):
            status = code
            bytes = Array(data)
            headers.add(name: "Content-Type", value: "application/json")
        case .raw(let code, let extra, let body):
            status = code
            bytes = body
            for (name, value) in extra { headers.add(name: name, value: value) }
        case .log:
            return
        case .error(let error):
            status = error.status
            // FC 3.0 reads Code/Message, FC 2.0 ErrorCode/ErrorMessage.
            let body = [
                "Code": error.code, "Message": error.message, "ErrorCode": error.code, "ErrorMessage": error.message,
                "RequestId": requestId,
            ]
            bytes = Array((try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data())
            headers.add(name: "Content-Type", value: "application/json")
        }
        headers.add(name: "Content-Length", value: String(bytes.count))
        let keepAlive = request.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: request.version, status: HTTPResponseStatus(statusCode: status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: bytes)))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive { done.whenComplete { [channel = context.channel] _ in channel.close(promise: nil) } }
    }

    static func requestId() -> String { UUID().uuidString.lowercased() }
}

struct FunctionList: Codable {
    var functions: [Function]
    var nextToken: String
}

struct InstanceList: Codable {
    var requestId: String
    var instances: [Instance]
    /// The list-all call's cursor: pass it back as `since` to get only changes.
    var version: UInt64?
    /// With `since`: instances that left the list.
    var removed: [String]?
    /// With `since`: false when `instances` holds only what changed.
    var full: Bool?

    init(requestId: String, instances: [Instance], version: UInt64? = nil, removed: [String]? = nil, full: Bool? = nil) {
        self.requestId = requestId
        self.instances = instances
        self.version = version
        self.removed = removed
        self.full = full
    }
}

struct ProvisionConfig: Codable {
    var functionName: String
    var defaultTarget: Int
    var current: Int
}

struct ProvisionConfigRequest: Codable {
    var defaultTarget: Int
}

/// FC 2.0's provision config: `target` in, `resource`/`target`/`current` out.
struct FC2ProvisionConfig: Codable {
    var resource: String
    var target: Int
    var current: Int
}

struct FC2ProvisionConfigRequest: Codable {
    var target: Int
}
