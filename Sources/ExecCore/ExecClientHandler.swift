import NIOCore
import NIOWebSocket

/// The client end of an exec WebSocket: turns frames into `ExecHandlers` calls,
/// answers pings, sends keepalive pings, and settles how the session ended.
final class ExecClientHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let session: ExecSession
    private let codec: FrameCodec
    private let handlers: ExecHandlers
    private let keepaliveInterval: TimeAmount
    private var keepalive: RepeatedTask?
    /// The end a status frame announced; reported once the server closes.
    private var announcedEnd: ExecEnd?
    private var lastError: String?
    private var sentClose = false

    init(session: ExecSession, codec: FrameCodec, handlers: ExecHandlers, keepaliveInterval: TimeAmount) {
        self.session = session
        self.codec = codec
        self.handlers = handlers
        self.keepaliveInterval = keepaliveInterval
    }

    func handlerAdded(context: ChannelHandlerContext) {
        guard keepaliveInterval > .zero else { return }
        let channel = context.channel
        keepalive = context.eventLoop.scheduleRepeatedTask(
            initialDelay: keepaliveInterval, delay: keepaliveInterval
        ) { _ in
            let ping = WebSocketFrame(fin: true, opcode: .ping, maskKey: .random(), data: channel.allocator.buffer(capacity: 0))
            channel.writeAndFlush(ping, promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .binary:
            handle(message: Array(frame.unmaskedData.readableBytesView), context: context)
        case .text where codec.dialect == .functionCompute:
            // FC servers send output as text while it is valid UTF-8: same layout.
            handle(message: Array(frame.unmaskedData.readableBytesView), context: context)
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
                context.writeAndFlush(wrapOutboundOut(close)).whenComplete { _ in context.close(promise: nil) }
            } else {
                context.close(promise: nil)
            }
        default:
            break
        }
    }

    private func handle(message: [UInt8], context: ChannelHandlerContext) {
        let decoded: ExecFrame
        do {
            decoded = try codec.decode(binary: message)
        } catch {
            lastError = "\(error)"
            return  // one bad frame from a server is reported, not fatal
        }
        switch decoded {
        case .stdout(let bytes): if !bytes.isEmpty { handlers.onStdout(bytes) }
        case .stderr(let bytes): if !bytes.isEmpty { handlers.onStderr(bytes) }
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
        let end: ExecEnd
        if let announced = announcedEnd {
            end = announced
        } else if codec.dialect == .functionCompute {
            // FC reports no exit code: a plain close is the only "done".
            end = .ended(message: "the session ended (Function Compute reports no exit code)")
        } else {
            end = .connectionLost(reason: lastError ?? "the connection closed before the session reported how it ended")
        }
        handlers.onEnd(end)
        session.finish(end)
        context.fireChannelInactive()
    }
}
