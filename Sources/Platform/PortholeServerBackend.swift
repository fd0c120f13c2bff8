import AsyncHTTPClient
import ExecCore
import Foundation
import NIOCore
import NIOHTTP1

/// A `PlatformBackend` that talks to a porthole local platform over its REST
/// and exec API — a `porthole serve` daemon, or the one the console starts
/// in-process. The same calls serve both, so every byte goes one way.
public final class PortholeServerBackend: PlatformBackend {
    public let host: String
    public let port: Int
    public let token: AccessToken?
    public let displayName: String
    /// `porthole serve` closes a session after its idleTimeout with no data and
    /// counts an empty stdin message (`ExecSession.keepalive()`) as activity.
    public var execIdleRule: ExecIdleRule { .dataOnly(keepalive: true) }
    /// How long a REST call may take in all. A frozen server accepts the
    /// connection and never answers; callers must hear so in seconds.
    public let requestTimeout: TimeAmount
    /// Invocations run the function, which may take a while; they get longer.
    public let invokeTimeout: TimeAmount
    private let client: HTTPClient
    /// Every instance, kept current by list-all calls with a cursor.
    private let instanceCache = InstanceCache()

    /// How many connections the shared client opens to one server.
    public static let connectionsPerServer = 64
    /// How many logs one client follows at once (console panes, `logs --function`):
    /// each holds a connection, and the other calls (lists, details, invocations)
    /// need the rest.
    public static let maxFollowedLogs = 50

    /// One client for the process. Connection failures fail at once rather than
    /// being retried until the request deadline: a missing server must say so
    /// quickly, and the console retries on its own schedule.
    public static let sharedClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5))
        configuration.connectionPool.retryConnectionEstablishment = false
        // Below the server's 60 s idle limit, so the pool never hands out a
        // connection the server is closing.
        configuration.connectionPool.idleTimeout = .seconds(30)
        // Every followed log holds a connection (HTTP/1.1): at the default of 8,
        // a console with a few log panes open could not refresh its table.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connectionsPerServer
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    public init(host: String, port: Int, token: AccessToken?, displayName: String? = nil,
                requestTimeout: TimeAmount = .seconds(10), invokeTimeout: TimeAmount = .seconds(90),
                client: HTTPClient = PortholeServerBackend.sharedClient) {
        self.requestTimeout = requestTimeout
        self.invokeTimeout = invokeTimeout
        self.host = host
        self.port = port
        self.token = token
        self.displayName = displayName ?? "local \(host):\(port)"
        self.client = client
    }

    /// Connects as `connection` says, reading its token file.
    public convenience init(connection: ServerConnection, displayName: String? = nil) throws {
        let token = try AccessToken.read(from: connection.tokenFile)
        self.init(host: connection.host, port: connection.port, token: token, displayName: displayName)
    }

    var baseURL: String { "http://\(host.contains(":") ? "[\(host)]" : host):\(port)" }

    // MARK: PlatformBackend

    public func listFunctions() async throws -> [Function] {
        struct Answer: Decodable { var functions: [Function] }
        return try await get("/2023-03-30/functions", as: Answer.self).functions
    }

    /// Every instance comes from the cache, brought up to date by one call that
    /// returns only what changed since the last (`since=VERSION`).
    public func listInstances(function: String?) async throws -> [Instance] {
        struct Answer: Decodable {
            var instances: [Instance]
            var version: UInt64?
            var removed: [String]?
            var full: Bool?
        }
        if let function {
            return try await get("/2023-03-30/functions/\(ExecRequest.percentEncode(function))/instances?withMetrics=true", as: Answer.self).instances
        }
        let cursor = instanceCache.cursor.map { "&since=\($0)" } ?? ""
        let answer = try await get("/2023-03-30/instances?withMetrics=true" + cursor, as: Answer.self)
        instanceCache.apply(instances: answer.instances, version: answer.version, removed: answer.removed ?? [], full: answer.full ?? true)
        return instanceCache.list()
    }

    public func describeInstance(function: String, id: String) async throws -> InstanceDetail {
        try await get("/2023-03-30/functions/\(ExecRequest.percentEncode(function))/instances/\(ExecRequest.percentEncode(id))", as: InstanceDetail.self)
    }

    public func openExec(_ request: ExecRequest, handlers: ExecCallbacks) async throws -> ExecSession {
        do {
            return try await ExecSession.connect(
                to: ExecEndpoint(host: host, port: port, bearerToken: token?.value), request: request, handlers: handlers)
        } catch let error as ExecConnectError {
            switch error {
            case .unreachable(_, _, let reason): throw PlatformError.unreachable(server: baseURL, reason: reason)
            case .rejected(let status, let body): throw Self.error(status: status, body: body)
            case .unsupportedProtocol: throw PlatformError.badResponse(error.description)
            }
        }
    }

    public func invoke(function: String, body: [UInt8]) async throws -> Invocation {
        let (status, headers, answer) = try await send(
            .POST, "/2023-03-30/functions/\(ExecRequest.percentEncode(function))/invocations", body: body, timeout: invokeTimeout)
        if status >= 400 && headers.first(name: "x-porthole-instance-id") == nil { throw Self.error(status: status, body: answer) }
        return Invocation(status: status, body: answer, instanceId: headers.first(name: "x-porthole-instance-id"))
    }

    public func setProvisioned(function: String, target: Int) async throws {
        let body = Array("{\"defaultTarget\":\(target)}".utf8)
        let (status, _, answer) = try await send(.PUT, "/2023-03-30/functions/\(ExecRequest.percentEncode(function))/provision-config", body: body)
        if status >= 400 { throw Self.error(status: status, body: answer) }
    }

    /// Streams the log from the server's logs endpoint (docs/PROTOCOL.md §3) as
    /// it arrives. The server must answer within `requestTimeout` (connect and
    /// response head); the body then has no deadline, as a followed log may be
    /// quiet for hours. At most 16 chunks wait for the consumer; past that the
    /// body is not read, so a slow consumer slows the server rather than filling
    /// memory. Ending the iteration or cancelling the consuming task cancels the
    /// HTTP request, which the server sees as a closed connection; a connection
    /// that breaks before the body's end throws `PlatformError.unreachable`.
    public func streamLogs(_ request: LogRequest) async throws -> LogStream {
        if request.previous {
            throw PlatformError.unsupported("\(displayName) keeps no previous run of an instance: an instance that ends is not restarted, a new one starts (run `porthole instances` for its id); ask for the current log instead")
        }
        var query = ["follow=\(request.follow)"]
        if let tail = request.tailLines { query.append("tailLines=\(tail)") }
        let path = "/2023-03-30/functions/\(ExecRequest.percentEncode(request.function))/instances/\(ExecRequest.percentEncode(request.instanceId))/logs?"
            + query.joined(separator: "&")
        var httpRequest = HTTPClientRequest(url: baseURL + path)
        if let token { httpRequest.headers.add(name: "Authorization", value: "Bearer \(token.value)") }
        let response: HTTPClientResponse
        do {
            // The timeout covers the wait for the response head only (AsyncHTTPClient drops it once the head is in).
            response = try await client.execute(httpRequest, timeout: requestTimeout)
        } catch {
            throw translate(error, timeout: requestTimeout)
        }
        guard response.status == .ok else {
            let body = (try? await response.body.collect(upTo: 1024 * 1024)).map { Array($0.readableBytesView) } ?? []
            throw Self.error(status: Int(response.status.code), body: body)
        }
        // A bounded buffer: a consumer that falls behind stops the pump, so the
        // body stops being read, and the server stops sending (nothing piles up here).
        let (stream, continuation) = LogStream.makeStream(bufferingPolicy: .bufferingOldest(16))
        let server = baseURL
        let instance = request.instanceId
        let pump = Task {
            do {
                for try await chunk in response.body {
                    var pending = Array(chunk.readableBytesView)
                    while case .dropped(let back) = continuation.yield(pending) {
                        pending = back
                        try await Task.sleep(for: .milliseconds(10))
                    }
                }
                continuation.finish()
            } catch where Task.isCancelled {
                continuation.finish()
            } catch {
                continuation.finish(throwing: PlatformError.interrupted(
                    "the log of \(instance) broke off before its end: the connection to \(server) dropped (\(error)); read it again (a tail skips what you saw)"))
            }
        }
        continuation.onTermination = { _ in pump.cancel() }
        return stream
    }

    // MARK: HTTP

    private func get<T: Decodable>(_ path: String, as type: T.Type) async throws -> T {
        let (status, _, body) = try await send(.GET, path, body: nil)
        guard status < 400 else { throw Self.error(status: status, body: body) }
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch {
            throw PlatformError.badResponse("\(path): \(error)")
        }
    }

    private func send(_ method: HTTPMethod, _ path: String, body: [UInt8]?, timeout: TimeAmount? = nil) async throws -> (Int, HTTPHeaders, [UInt8]) {
        let timeout = timeout ?? requestTimeout
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token.value)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/octet-stream")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await client.execute(request, timeout: timeout)
            let buffer = try await response.body.collect(upTo: 64 * 1024 * 1024)
            return (Int(response.status.code), response.headers, Array(buffer.readableBytesView))
        } catch {
            throw translate(error, timeout: timeout)
        }
    }

    /// What a failed request means to the user: the server is missing, slow or gone.
    private func translate(_ error: any Error, timeout: TimeAmount) -> any Error {
        switch error {
        case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout:
            return PlatformError.unreachable(
                server: baseURL, reason: "no answer within \(timeout.nanoseconds / 1_000_000_000) s (is the server stopped or overloaded?)")
        case let error as HTTPClientError where error == .getConnectionFromPoolTimeout:
            return PlatformError.connectionsBusy(server: baseURL, limit: Self.connectionsPerServer)
        case let error as PlatformError:
            return error
        case is CancellationError:
            // The caller gave up (a closed pane, a pipe's reader gone): not a server fault.
            return error
        case let error as HTTPClientError where error == .cancelled:
            return CancellationError()
        default:
            // HTTPClientError (connect timeout, closed) and NIO's connection errors (refused, reset).
            return PlatformError.unreachable(server: baseURL, reason: "\(error)")
        }
    }

    /// Maps the server's `{"Code","Message"}` error to a `PlatformError`.
    static func error(status: Int, body: [UInt8]) -> PlatformError {
        struct Answer: Decodable {
            var Code: String?
            var Message: String?
            var ErrorMessage: String?
        }
        let answer = try? JSONDecoder().decode(Answer.self, from: Data(body))
        let code = answer?.Code ?? "HTTP\(status)"
        let message = answer?.Message ?? answer?.ErrorMessage ?? String(decoding: body.prefix(500), as: UTF8.self)
        switch status {
        case 401, 403: return .unauthorized(message: message.isEmpty ? "the server refused the token (HTTP \(status))" : message)
        case 404: return .notFound(code: code, message: message)
        case 410: return .gone(code: code, message: message)
        default: return .api(status: status, code: code, message: message)
        }
    }
}
