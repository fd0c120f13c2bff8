import NIOCore
import NIOWebSocket

/// The client end of an exec WebSocket: turns frames into `ExecCallbacks` calls,
/// answers pings, sends keepalive pings, notices a server that went silent, and
/// settles how the session ended.
final class ExecClientHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let session: ExecSession
    private let codec: FrameCodec
    private let callbacks: ExecCallbacks
    private let keepaliveInterval: TimeAmount
    /// How long the server may say nothing at all (no frame, no pong) before the
    /// session is given up; `.zero` never gives up.
    private let peerTimeout: TimeAmount
    private var keepalive: RepeatedTask?
    private var silenceTimer: Scheduled<Void>?
    private var lastHeard = NIODeadline.now()
    /// The end a status frame announced; reported once the server closes.
    private var announcedEnd: ExecEnd?
    private var lastError: String?
    private var sentClose = false

    init(session: ExecSession, codec: FrameCodec, callbacks: ExecCallbacks, keepaliveInterval: TimeAmount,
         peerTimeout: TimeAmount = .zero) {
        self.session = session
        self.codec = codec
        self.callbacks = callbacks
        self.keepaliveInterval = keepaliveInterval
        self.peerTimeout = peerTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        lastHeard = context.eventLoop.now
        if keepaliveInterval > .zero {
            let channel = context.channel
            keepalive = context.eventLoop.scheduleRepeatedTask(
                initialDelay: keepaliveInterval, delay: keepaliveInterval
            ) { _ in
                let ping = WebSocketFrame(fin: true, opcode: .ping, maskKey: .random(), data: channel.allocator.buffer(capacity: 0))
                channel.writeAndFlush(ping, promise: nil)
            }
        }
        scheduleSilenceCheck(context: context)
    }

    // MARK: Dead server

    private func scheduleSilenceCheck(context: ChannelHandlerContext) {
        guard peerTimeout > .zero else { return }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        silenceTimer = context.eventLoop.scheduleTask(deadline: lastHeard + peerTimeout) {
            let (handler, context) = loopBound.value
            handler.checkSilence(context: context)
        }
    }

    private func checkSilence(context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        // While the caller has paused reading (setReceiving(false)), frames wait
        // in the socket unread: silence then says nothing about the server.
        if let reading = try? context.channel.syncOptions?.getOption(ChannelOptions.autoRead), !reading {
            lastHeard = context.eventLoop.now
        }
        if context.eventLoop.now >= lastHeard + peerTimeout {
            if announcedEnd == nil {
                let seconds = Self.seconds(peerTimeout)
                announcedEnd = .serverUnresponsive(message:
                    "the server stopped answering: nothing from it, not even a reply to a keepalive ping, for \(seconds) s; the session is closed (is `porthole serve` stopped or its host unreachable?)")
            }
            context.close(promise: nil)
        } else {
            scheduleSilenceCheck(context: context)
        }
    }

    static func seconds(_ amount: TimeAmount) -> String {
        let value = Double(amount.nanoseconds) / 1e9
        return value == value.rounded() ? String(Int(value)) : String((value * 10).rounded() / 10)
    }

    // MARK: Frames

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        lastHeard = context.eventLoop.now
        switch frame.opcode {
        case .binary:
            handle(message: frame.unmaskedData)
        case .text where codec.dialect == .functionCompute:
            // FC servers send output as text while it is valid UTF-8: same layout.
            handle(message: frame.unmaskedData)
        case .text:
            // Only FC's error channel could come as text; treat it as a server error.
            let text = String(buffer: frame.unmaskedData)
            announcedEnd = .failed(reason: "ServerError", message: text)
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            if !sentClose {
                sentClose = true
                let close = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: frame.unmaskedData)
                context.writeAndFlush(wrapOutboundOut(close)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            } else {
                context.close(promise: nil)
            }
        default:
            break
        }
    }

    private func handle(message: ByteBuffer) {
        let decoded: ExecFrame
        do {
            decoded = try codec.decode(binary: message)
        } catch {
            lastError = "\(error)"
            return  // one bad frame from a server is reported, not fatal
        }
        switch decoded {
        case .stdout(let bytes): if !bytes.isEmpty { callbacks.onStdout(bytes) }
        case .stderr(let bytes): if !bytes.isEmpty { callbacks.onStderr(bytes) }
        case .status(let status): announcedEnd = ExecEnd(status: status)
        case .serverError(let text): announcedEnd = .failed(reason: "ServerError", message: text)
        case .stdin, .resize, .closeStdin: break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        lastError = "\(error)"
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        keepalive?.cancel()
        silenceTimer?.cancel()
        let end: ExecEnd
        if let announced = announcedEnd {
            end = announced
        } else if codec.dialect == .functionCompute {
            // FC reports no exit code: a plain close is the only "done".
            end = .ended(message: "the session ended (Function Compute reports no exit code)")
        } else {
            end = .connectionLost(reason: lastError ?? "the connection closed before the session reported how it ended")
        }
        callbacks.onEnd(end)
        session.finish(end)
        context.fireChannelInactive()
    }
}
