import AsyncHTTPClient
import ExecCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Platform

/// A `PlatformBackend` over Alibaba Cloud Function Compute 3.0: functions and
/// instances from its REST API (ACS3-HMAC-SHA256), exec over its WebSocket
/// dialect (FC signature), invocations and provisioned counts.
public final class FunctionComputeBackend: PlatformBackend {
    /// Function Compute closes an exec after its idleTimeout with no data; what
    /// else it counts is not documented, so only typing keeps a session open.
    public var execIdleRule: ExecIdleRule { .dataOnly(keepalive: false) }

    /// Where to reach Function Compute.
    public struct Configuration: Sendable, Equatable {
        public var region: String
        /// Needed for invoke and exec (`{accountId}.{region}.fc.aliyuncs.com`) unless `endpoint` is set.
        public var accountId: String?
        /// Replaces both endpoints, e.g. `http://127.0.0.1:7878` for a `porthole serve --access-keys`.
        public var endpoint: String?

        public init(region: String, accountId: String? = nil, endpoint: String? = nil) {
            self.region = region
            self.accountId = accountId
            self.endpoint = endpoint
        }
    }

    public let configuration: Configuration
    public let displayName: String
    let signer: RequestSigner
    private let client: HTTPClient
    /// ListInstances calls in flight at once when listing every function's instances.
    let listConcurrency = 4

    /// One client for the process, like `PortholeServerBackend.sharedClient`.
    public static let sharedClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10))
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    public init(
        configuration: Configuration, credentials: FCCredentials, displayName: String? = nil,
        client: HTTPClient = FunctionComputeBackend.sharedClient
    ) {
        self.configuration = configuration
        self.signer = RequestSigner(credentials: credentials, accountId: configuration.accountId)
        self.displayName = displayName ?? "fc \(configuration.region)"
        self.client = client
    }

    // MARK: Endpoints

    struct Base {
        var secure: Bool
        var host: String
        var port: Int
        /// The Host header: the port only when it is not the scheme's default.
        var hostHeader: String { port == (secure ? 443 : 80) ? host : "\(host):\(port)" }
        var url: String {
            let name = host.contains(":") ? "[\(host)]" : host
            return "\(secure ? "https" : "http")://\(name)" + (port == (secure ? 443 : 80) ? "" : ":\(port)")
        }
    }

    static func parseBase(_ text: String) throws -> Base {
        guard let url = URL(string: text.contains("://") ? text : "https://" + text), let host = url.host, !host.isEmpty,
              url.scheme == "http" || url.scheme == "https"
        else {
            throw PlatformError.configuration("\(text) is not an endpoint URL; expected https://HOST[:PORT] or http://HOST:PORT")
        }
        let secure = url.scheme == "https"
        return Base(secure: secure, host: host, port: url.port ?? (secure ? 443 : 80))
    }

    /// REST calls: `fcv3.{region}.aliyuncs.com`.
    func restBase() throws -> Base {
        try Self.parseBase(configuration.endpoint ?? "https://fcv3.\(configuration.region).aliyuncs.com")
    }

    /// Invoke and exec: the account's endpoint.
    func accountBase() throws -> Base {
        if let endpoint = configuration.endpoint { return try Self.parseBase(endpoint) }
        guard let account = configuration.accountId, !account.isEmpty else {
            throw PlatformError.configuration(
                "invoke and exec on Function Compute go to {accountId}.\(configuration.region).fc.aliyuncs.com: set accountId in the fc context, or pass --fc-endpoint https://ACCOUNT.\(configuration.region).fc.aliyuncs.com")
        }
        return try Self.parseBase("https://\(account).\(configuration.region).fc.aliyuncs.com")
    }

    // MARK: PlatformBackend

    public func listFunctions() async throws -> [Function] {
        var functions: [Function] = []
        var token = ""
        for _ in 0..<10_000 {
            var query = [("limit", "100")]
            if !token.isEmpty { query.append(("nextToken", token)) }
            let page = try await call(
                .GET, "/2023-03-30/functions", query: query, action: "ListFunctions", as: FCFunctionList.self)
            functions += (page.functions ?? []).map(\.model)
            token = page.nextToken ?? ""
            if token.isEmpty { break }
        }
        return functions
    }

    /// One function's configuration (GetFunction).
    public func function(named name: String) async throws -> Function {
        try await call(
            .GET, "/2023-03-30/functions/\(ExecRequest.percentEncode(name))", query: [], action: "GetFunction",
            as: FCFunction.self).model
    }

    public func listInstances(function: String?) async throws -> [Instance] {
        if let function { return try await instances(of: function) }
        let names = try await listFunctions().map(\.functionName)
        // A few calls in flight: FC throttles per account.
        return try await withThrowingTaskGroup(of: (Int, [Instance]).self) { group in
            var results: [[Instance]] = Array(repeating: [], count: names.count)
            var next = 0
            while next < min(listConcurrency, names.count) {
                let index = next
                group.addTask { (index, try await self.instances(of: names[index])) }
                next += 1
            }
            while let result = try await group.next() {
                results[result.0] = result.1
                if next < names.count {
                    let index = next
                    group.addTask { (index, try await self.instances(of: names[index])) }
                    next += 1
                }
            }
            return results.flatMap { $0 }
        }
    }

    func instances(of function: String, ids: [String]? = nil) async throws -> [Instance] {
        var query = [("withAllActive", "true")]
        if let ids, let json = try? JSONSerialization.data(withJSONObject: ids) {
            query.append(("instanceIds", String(decoding: json, as: UTF8.self)))
        }
        let list = try await call(
            .GET, "/2023-03-30/functions/\(ExecRequest.percentEncode(function))/instances", query: query,
            action: "ListInstances", as: FCInstanceList.self)
        return (list.instances ?? []).map { $0.model(function: function) }
    }

    public func describeInstance(function: String, id: String) async throws -> InstanceDetail {
        guard let instance = try await instances(of: function, ids: [id]).first(where: { $0.instanceId == id }) else {
            throw PlatformError.notFound(
                code: "InstanceNotFound", message: "Function Compute lists no active instance \(id) of \(function)")
        }
        var facts = ["platform": "Function Compute \(configuration.region)", "qualifier": instance.qualifier]
        if !instance.versionId.isEmpty { facts["version"] = instance.versionId }
        facts["metrics"] = "— (ListInstances reports no CPU or memory)"
        let events = instance.createdTimeMs > 0 ? [LifecycleEvent(timeMs: instance.createdTimeMs, message: "created")] : []
        return InstanceDetail(instance: instance, events: events, facts: facts)
    }

    /// Function Compute has no API for an instance's output: it ships logs to
    /// Simple Log Service (the function's `logConfig`), a separate service with
    /// its own API and signature that porthole does not speak.
    public func streamLogs(_ request: LogRequest) async throws -> LogStream {
        throw PlatformError.unsupported(
            "Function Compute keeps no instance logs of its own: it sends them to Simple Log Service (the project and logstore in \(request.function)'s logConfig), which porthole does not read. Read them with `s logs` or the Function Compute console, or look inside the instance with `porthole exec --fc-region \(configuration.region) \(request.instanceId)`")
    }

    public func openExec(_ request: ExecRequest, handlers: ExecCallbacks) async throws -> ExecSession {
        let base = try accountBase()
        let path = "/2023-03-30/functions/\(ExecRequest.percentEncode(request.functionName))/instances/\(ExecRequest.percentEncode(request.instanceId))/exec"
        var query: [(String, String)] = request.command.map { ("command", $0) }
        query += [
            ("stdin", String(request.stdin)), ("stdout", String(request.stdout)), ("stderr", String(request.stderr)),
            ("tty", String(request.tty)), ("qualifier", "LATEST"),
        ]
        if let idle = request.idleTimeout, idle > 0 { query.append(("idleTimeout", String(idle))) }
        let uri = path + "?" + query.map { "\(ExecRequest.percentEncode($0.0))=\(ExecRequest.percentEncode($0.1))" }.joined(separator: "&")
        let headers = signer.fcHeaders(
            method: "GET", host: base.hostHeader,
            unescapedPath: "/2023-03-30/functions/\(request.functionName)/instances/\(request.instanceId)/exec")
        let tls: (@Sendable (Channel) throws -> Void)?
        if base.secure {
            let context = try NIOSSLContext(configuration: .makeClientConfiguration())
            let host = base.host
            tls = { channel in
                try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: host))
            }
        } else {
            tls = nil
        }
        do {
            return try await ExecSession.connect(
                to: ExecEndpoint(host: base.host, port: base.port), request: request, handlers: handlers,
                dialects: [.functionCompute], uri: uri, headers: headers, prepareChannel: tls)
        } catch let error as ExecConnectError {
            switch error {
            case .unreachable(_, _, let reason):
                throw PlatformError.configuration("cannot reach Function Compute at \(base.url): \(reason)")
            case .rejected(let status, let body):
                throw Self.error(status: status, headers: HTTPHeaders(), body: body, call: "InstanceExec")
            case .unsupportedProtocol:
                throw PlatformError.badResponse(error.description)
            }
        }
    }

    public func invoke(function: String, body: [UInt8]) async throws -> Invocation {
        let base = try accountBase()
        let (status, headers, answer) = try await send(
            .POST, "/2023-03-30/functions/\(ExecRequest.percentEncode(function))/invocations", query: [],
            action: "InvokeFunction", body: body, base: base)
        let instanceId = headers.first(name: "x-fc-instance-id") ?? headers.first(name: "x-porthole-instance-id")
        // A function's own error status is an answer; FC's refusals carry an error code instead.
        if status >= 400 && instanceId == nil && headers.first(name: "x-fc-error-type") == nil {
            throw Self.error(status: status, headers: headers, body: answer, call: "InvokeFunction")
        }
        return Invocation(status: status, body: answer, instanceId: instanceId)
    }

    public func setProvisioned(function: String, target: Int) async throws {
        let body = Array("{\"defaultTarget\":\(target)}".utf8)
        _ = try await call(
            .PUT, "/2023-03-30/functions/\(ExecRequest.percentEncode(function))/provision-config",
            query: [("qualifier", "LATEST")], action: "PutProvisionConfig", body: body, contentType: "application/json",
            as: FCProvisionConfig.self)
    }

    /// The provisioned target and how many instances FC has provisioned now.
    public func provisionConfig(function: String) async throws -> (target: Int, current: Int) {
        let config = try await call(
            .GET, "/2023-03-30/functions/\(ExecRequest.percentEncode(function))/provision-config",
            query: [("qualifier", "LATEST")], action: "GetProvisionConfig", as: FCProvisionConfig.self)
        return (config.defaultTarget ?? config.target ?? 0, config.current ?? 0)
    }

    // MARK: HTTP

    private func call<T: Decodable>(
        _ method: HTTPMethod, _ path: String, query: [(String, String)], action: String,
        body: [UInt8]? = nil, contentType: String? = nil, as type: T.Type
    ) async throws -> T {
        let base = try restBase()
        var attempt = 0
        while true {
            let (status, headers, answer) = try await send(
                method, path, query: query, action: action, body: body, contentType: contentType, base: base)
            if status < 400 {
                do {
                    return try JSONDecoder().decode(T.self, from: Data(answer))
                } catch {
                    throw PlatformError.badResponse("\(action): \(error)")
                }
            }
            let error = Self.error(status: status, headers: headers, body: answer, call: action)
            // Throttled: back off and try again, a few times.
            if Self.isThrottled(status: status, body: answer), attempt < 4 {
                attempt += 1
                let delay = UInt64(200_000_000) << UInt64(attempt - 1)
                try await Task.sleep(nanoseconds: delay + UInt64.random(in: 0...100_000_000))
                continue
            }
            throw error
        }
    }

    static func isThrottled(status: Int, body: [UInt8]) -> Bool {
        if status == 429 { return true }
        let answer = try? JSONDecoder().decode(FCErrorBody.self, from: Data(body))
        let code = (answer?.Code ?? answer?.ErrorCode ?? "").lowercased()
        return code.contains("throttl") || code.contains("toomanyrequests")
    }

    private func send(
        _ method: HTTPMethod, _ path: String, query: [(String, String)], action: String,
        body: [UInt8]?, contentType: String? = nil, base: Base
    ) async throws -> (Int, HTTPHeaders, [UInt8]) {
        let queryText = query.map { "\(ExecRequest.percentEncode($0.0))=\(ExecRequest.percentEncode($0.1))" }.joined(separator: "&")
        var request = HTTPClientRequest(url: base.url + path + (queryText.isEmpty ? "" : "?" + queryText))
        request.method = method
        for (name, value) in signer.acs3Headers(
            method: method.rawValue, host: base.hostHeader, path: path, query: query, action: action,
            body: body, contentType: contentType)
        {
            request.headers.add(name: name, value: value)
        }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await client.execute(request, timeout: .seconds(90))
            let buffer = try await response.body.collect(upTo: 64 * 1024 * 1024)
            return (Int(response.status.code), response.headers, Array(buffer.readableBytesView))
        } catch let error as PlatformError {
            throw error
        } catch {
            throw PlatformError.configuration("cannot reach Function Compute at \(base.url): \(error)")
        }
    }

    /// FC's error as the user should see it: code, message and request id.
    static func error(status: Int, headers: HTTPHeaders, body: [UInt8], call: String) -> PlatformError {
        let answer = try? JSONDecoder().decode(FCErrorBody.self, from: Data(body))
        let code = answer?.Code ?? answer?.ErrorCode ?? "HTTP\(status)"
        var message = answer?.Message ?? answer?.ErrorMessage ?? String(decoding: body.prefix(500), as: UTF8.self)
        if message.isEmpty { message = "HTTP \(status)" }
        let requestId = headers.first(name: "x-fc-request-id") ?? headers.first(name: "x-acs-request-id") ?? answer?.RequestId
        let detail = "Function Compute \(call): \(code): \(message)" + (requestId.map { " (request id \($0))" } ?? "")
        switch status {
        case 401, 403: return .unauthorized(message: detail)
        case 404: return .notFound(code: code, message: detail)
        case 410: return .gone(code: code, message: detail)
        default: return .api(status: status, code: code, message: detail)
        }
    }
}
