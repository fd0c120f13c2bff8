import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// A client exec session: one WebSocket to one process in one instance.
///
/// ```swift
/// let session = try await ExecSession.connect(
///     to: endpoint,
///     request: ExecRequest(functionName: "hello", instanceId: "c-1a2b", command: ["env"]),
///     handlers: ExecCallbacks(onStdout: { print(String(decoding: $0, as: UTF8.self), terminator: "") }))
/// let end = await session.wait()   // .exited(code: 0)
/// ```
///
/// Every method may be called from any thread.
public final class ExecSession: Sendable {
    /// The framing the server agreed to speak.
    public let dialect: ExecDialect
    let channel: Channel
    private let state: NIOLockedValueBox<State>

    struct State {
        var end: ExecEnd?
        var waiters: [CheckedContinuation<ExecEnd, Never>] = []
    }

    init(channel: Channel, dialect: ExecDialect) {
        self.channel = channel
        self.dialect = dialect
        self.state = NIOLockedValueBox(State())
    }

    /// Opens a session. Throws `ExecConnectError` when the server cannot be reached
    /// or refuses the exec (its JSON error is in the error); after this returns,
    /// every outcome is reported through `wait()` and `handlers.onEnd`.
    ///
    /// Other platforms' exec endpoints: `uri` replaces the request's porthole
    /// path, `headers` are sent with the handshake (a `Host` among them
    /// replaces the default one), and `prepareChannel` runs first on the new
    /// connection (to add TLS).
    ///
    /// Keepalive (docs/PROTOCOL.md §1): a ping every `keepaliveInterval`; when the
    /// server sends nothing at all for `peerTimeout` (frozen, host gone) the
    /// session ends as `.serverUnresponsive`. The same bound applies to the
    /// upgrade itself. `.zero` turns either off.
    ///
    /// Other servers than porthole's (a Kubernetes API server) need `tls`, their
    /// own `uri` (path and query, instead of `request.pathAndQuery`) and
    /// `headers` (an `Authorization` of their own); `dialects` lists the
    /// subprotocols offered, in order of preference.
    public static func connect(
        to endpoint: ExecEndpoint,
        request: ExecRequest,
        handlers: ExecCallbacks,
        dialects: [ExecDialect] = [.v5, .v4],
        keepaliveInterval: TimeAmount = .seconds(5),
        peerTimeout: TimeAmount = .seconds(15),
        group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        tls: ExecTLS? = nil,
        uri: String? = nil,
        headers extraHeaders: [(String, String)] = [],
        prepareChannel: (@Sendable (Channel) throws -> Void)? = nil
    ) async throws -> ExecSession {
        let eventLoop = group.next()
        let upgraded = eventLoop.makePromise(of: ExecSession.self)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                let rejection = NIOLoopBound(
                    UpgradeRejectionHandler(promise: upgraded, host: endpoint.host, port: endpoint.port), eventLoop: channel.eventLoop)
                let upgrader = NIOWebSocketClientUpgrader(maxFrameSize: 1 << 24) { channel, response in
                    // The rejection handler only reads HTTP; frames must not reach it.
                    channel.pipeline.syncOperations.removeHandler(rejection.value, promise: nil)
                    let chosen = response.headers.first(name: "Sec-WebSocket-Protocol") ?? ""
                    guard let dialect = ExecDialect(rawValue: chosen), dialects.contains(dialect) else {
                        let error = ExecConnectError.unsupportedProtocol(chosen)
                        upgraded.fail(error)
                        return channel.eventLoop.makeFailedFuture(error)
                    }
                    let session = ExecSession(channel: channel, dialect: dialect)
                    let handler = ExecClientHandler(
                        session: session, codec: FrameCodec(dialect: dialect, side: .client),
                        callbacks: handlers, keepaliveInterval: keepaliveInterval,
                        peerTimeout: peerTimeout)
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers([
                            NIOWebSocketFrameAggregator(
                                minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 4096,
                                maxAccumulatedFrameSize: 1 << 26),
                            handler,
                        ])
                    }.map {
                        upgraded.succeed(session)
                        // Before anything else, so a tty command starts at this size.
                        if request.tty, let size = request.terminalSize { session.resize(cols: size.cols, rows: size.rows) }
                    }
                }
                return channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverHostname))
                    }
                    try prepareChannel?(channel)
                    // .forwardBytes: frames that arrive in the same read as the 101
                    // response (a command that fails at once) must not be dropped.
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(
                        leftOverBytesStrategy: .forwardBytes,
                        withClientUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                    try channel.pipeline.syncOperations.addHandler(rejection.value)
                }
            }

        let channel: Channel
        do {
            channel = try await bootstrap.connect(host: endpoint.host, port: endpoint.port).get()
        } catch {
            throw ExecConnectError.unreachable(host: endpoint.host, port: endpoint.port, reason: "\(error)")
        }
        var headers = HTTPHeaders()
        if !extraHeaders.contains(where: { $0.0.lowercased() == "host" }) {
            headers.add(name: "Host", value: "\(endpoint.host):\(endpoint.port)")
        }
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        let offered = dialects.filter { $0 != .functionCompute }.map(\.rawValue)
        if !offered.isEmpty { headers.add(name: "Sec-WebSocket-Protocol", value: offered.joined(separator: ", ")) }
        if let token = endpoint.bearerToken { headers.add(name: "Authorization", value: "Bearer \(token)") }
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: uri ?? request.pathAndQuery, headers: headers)
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        channel.closeFuture.whenComplete { _ in
            upgraded.fail(ExecConnectError.unreachable(
                host: endpoint.host, port: endpoint.port, reason: "the connection closed during the upgrade"))
        }
        if peerTimeout > .zero {
            // A frozen server accepts in the kernel and then never answers.
            let timer = eventLoop.scheduleTask(in: peerTimeout) {
                upgraded.fail(ExecConnectError.unreachable(
                    host: endpoint.host, port: endpoint.port,
                    reason: "the server accepted the connection but did not answer the exec request within \(ExecClientHandler.seconds(peerTimeout)) s"))
                channel.close(promise: nil)
            }
            upgraded.futureResult.whenComplete { _ in timer.cancel() }
        }
        return try await upgraded.futureResult.get()
    }

    // MARK: Input

    /// Sends an empty stdin message: no byte reaches the program, but a
    /// `porthole serve` counts it as activity for the session's idleTimeout
    /// (WebSocket pings do not count; docs/PROTOCOL.md §1).
    public func keepalive() {
        channel.writeAndFlush(frame(.stdin([])), promise: nil)
    }

    /// Sends bytes to the process's stdin without waiting (keystrokes).
    public func send(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        channel.writeAndFlush(frame(.stdin(bytes)), promise: nil)
    }

    /// Sends bytes to stdin for a caller streaming a large input. Returns at once
    /// while the socket takes more; once its buffer is past the high-water mark,
    /// returns when this chunk has been written — so no more than about one
    /// buffer's worth waits in memory, and the sender is never idle while there is
    /// room (waiting for every chunk made uploads a third slower than downloads).
    public func write(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
        let written = channel.eventLoop.makePromise(of: Void.self)
        writeStdinFrame(bytes, promise: written)
        if channel.isWritable { return }
        try await written.futureResult.get()
    }

    /// Frames and masks a stdin message here — the mask eight bytes at a time —
    /// and writes it past NIO's frame encoder, whose byte-at-a-time mask cost
    /// more than the rest of the upload path together.
    private func writeStdinFrame(_ bytes: [UInt8], promise: EventLoopPromise<Void>?) {
        let payloadCount = bytes.count + (dialect == .functionCompute ? 0 : 1)
        var buffer = channel.allocator.buffer(capacity: payloadCount + 14)
        buffer.writeInteger(UInt8(0x82))  // FIN, binary
        if payloadCount < 126 {
            buffer.writeInteger(UInt8(0x80 | payloadCount))
        } else if payloadCount <= 0xFFFF {
            buffer.writeInteger(UInt8(0x80 | 126))
            buffer.writeInteger(UInt16(payloadCount))
        } else {
            buffer.writeInteger(UInt8(0x80 | 127))
            buffer.writeInteger(UInt64(payloadCount))
        }
        let key = WebSocketMaskingKey.random()
        buffer.writeBytes(key)
        let payloadStart = buffer.writerIndex - buffer.readerIndex
        if dialect != .functionCompute { buffer.writeInteger(ExecChannel.stdin.rawValue) }
        buffer.writeBytes(bytes)
        buffer.withUnsafeMutableReadableBytes { raw in
            WebSocketMasking.apply(key, to: UnsafeMutableRawBufferPointer(rebasing: raw[payloadStart...]))
        }
        let channel = self.channel
        let write = { [self] in
            if let encoder = try? channel.pipeline.syncOperations.context(handlerType: WebSocketFrameEncoder.self) {
                encoder.writeAndFlush(NIOAny(buffer), promise: promise)
            } else {
                channel.writeAndFlush(self.frame(.stdin(bytes)), promise: promise)
            }
        }
        if channel.eventLoop.inEventLoop { write() } else { channel.eventLoop.execute(write) }
    }

    /// Stops taking output off the socket (false) or starts again (true). While
    /// stopped, buffers fill and the server stops reading the process, which
    /// then blocks in its writes: a consumer that falls behind keeps its
    /// memory bounded and loses nothing.
    public func setReceiving(_ receiving: Bool) {
        channel.setOption(ChannelOptions.autoRead, value: receiving).whenComplete { _ in }
    }

    /// Tells the process its terminal now has this size (tty sessions). Function
    /// Compute's dialect has no resize message (its servers read every binary
    /// message as stdin), so there the terminal keeps its first size.
    public func resize(cols: Int, rows: Int) {
        guard dialect != .functionCompute else { return }
        channel.writeAndFlush(frame(.resize(TerminalSize(cols: cols, rows: rows))), promise: nil)
    }

    /// Signals end of stdin (v5 only: v4 and Function Compute have no way to say it).
    public func closeStdin() {
        guard dialect == .v5 else { return }
        channel.writeAndFlush(frame(.closeStdin), promise: nil)
    }

    /// Closes the connection; the server ends the process. `wait()` then reports
    /// how the session ended (usually connection lost).
    public func cancel() {
        let close = WebSocketFrame(
            fin: true, opcode: .connectionClose, maskKey: .random(),
            data: channel.allocator.buffer(bytes: [0x03, 0xE8]))
        channel.writeAndFlush(close).whenComplete { [channel] _ in channel.close(promise: nil) }
    }

    // MARK: End

    /// Waits until the session ends and says how.
    public func wait() async -> ExecEnd {
        await withCheckedContinuation { continuation in
            let end: ExecEnd? = state.withLockedValue { state in
                if let end = state.end { return end }
                state.waiters.append(continuation)
                return nil
            }
            if let end { continuation.resume(returning: end) }
        }
    }

    /// How the session ended, or nil while it is open.
    public var end: ExecEnd? { state.withLockedValue { $0.end } }

    func finish(_ end: ExecEnd) {
        let waiters: [CheckedContinuation<ExecEnd, Never>] = state.withLockedValue { state in
            guard state.end == nil else { return [] }
            state.end = end
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: end) }
    }

    func frame(_ frame: ExecFrame) -> WebSocketFrame {
        let codec = FrameCodec(dialect: dialect, side: .client)
        var data = channel.allocator.buffer(capacity: 16)
        codec.encode(frame, into: &data)
        return WebSocketFrame(fin: true, opcode: .binary, maskKey: .random(), data: data)
    }
}
