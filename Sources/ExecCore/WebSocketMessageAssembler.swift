import NIOConcurrencyHelpers
import NIOCore
import NIOWebSocket

/// The server's first look at every frame a WebSocket client sends: enforces
/// the rules of RFC 6455 that NIO's decoder leaves to the application, and
/// joins fragmented messages under a size cap per message and a budget shared
/// by every connection, so no client (and no crowd of clients) can make the
/// server hold unbounded half-sent messages.
///
/// Broken rules close the connection with 1002 (protocol error), a message
/// over its cap with 1009 (too big), an exhausted shared budget with 1013
/// (try again later). Control frames pass through at once, even between the
/// fragments of a message; data messages pass on whole, as one final frame.
public final class WebSocketMessageAssembler: ChannelInboundHandler {
    public typealias InboundIn = WebSocketFrame
    public typealias InboundOut = WebSocketFrame
    public typealias OutboundOut = WebSocketFrame

    /// Bytes held in unfinished messages across every connection that shares it.
    public final class Budget: Sendable {
        public let limit: Int
        private let held = NIOLockedValueBox(0)

        public init(limit: Int) {
            self.limit = limit
        }

        /// Takes `bytes` from the budget; false (and nothing taken) when they do not fit.
        func take(_ bytes: Int) -> Bool {
            held.withLockedValue { held in
                guard held + bytes <= limit else { return false }
                held += bytes
                return true
            }
        }

        func give(_ bytes: Int) {
            held.withLockedValue { $0 = max(0, $0 - bytes) }
        }

        /// Bytes held now (for tests and diagnostics).
        public var inUse: Int { held.withLockedValue { $0 } }
    }

    private let maxMessageSize: Int
    private let budget: Budget
    private var opcode: WebSocketOpcode?
    private var parts: ByteBuffer?
    private var taken = 0
    private var closed = false

    /// - Parameters:
    ///   - maxMessageSize: the largest message, all its fragments together.
    ///   - budget: shared by every connection of a server.
    public init(maxMessageSize: Int, budget: Budget) {
        self.maxMessageSize = maxMessageSize
        self.budget = budget
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closed else { return }
        let frame = unwrapInboundIn(data)
        // §5.1: a client masks every frame. §5.2: RSV bits need a negotiated extension (none is).
        guard frame.maskKey != nil else { return fail(context, .protocolError, "client frames must be masked") }
        guard !frame.rsv1, !frame.rsv2, !frame.rsv3 else {
            return fail(context, .protocolError, "reserved bits set without a negotiated extension")
        }
        switch frame.opcode {
        case .connectionClose, .ping, .pong:
            context.fireChannelRead(data)
        case .text, .binary:
            guard opcode == nil else { return fail(context, .protocolError, "new message before the last one finished") }
            if frame.fin {
                guard frame.length <= maxMessageSize else { return tooBig(context) }
                context.fireChannelRead(data)
            } else {
                opcode = frame.opcode
                append(frame, context: context)
            }
        case .continuation:
            guard opcode != nil else { return fail(context, .protocolError, "continuation frame with no message to continue") }
            append(frame, context: context)
        default:
            fail(context, .protocolError, "reserved opcode \(frame.opcode)")
        }
    }

    private func append(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        let length = frame.length
        guard taken + length <= maxMessageSize else { return tooBig(context) }
        guard budget.take(length) else {
            return fail(context, .init(codeNumber: 1013), "the server holds too many unfinished messages; try again later")
        }
        taken += length
        var data = frame.unmaskedData
        if parts == nil {
            parts = context.channel.allocator.buffer(capacity: length)
        }
        parts!.writeBuffer(&data)
        guard frame.fin, let opcode else { return }
        let message = WebSocketFrame(fin: true, opcode: opcode, data: parts!)
        release()
        context.fireChannelRead(wrapInboundOut(message))
    }

    private func release() {
        budget.give(taken)
        taken = 0
        parts = nil
        opcode = nil
    }

    private func tooBig(_ context: ChannelHandlerContext) {
        fail(context, .messageTooLarge, "message larger than \(maxMessageSize) bytes")
    }

    /// Sends a close frame with `code` and a short reason, then drops the connection.
    private func fail(_ context: ChannelHandlerContext, _ code: WebSocketErrorCode, _ reason: String) {
        closed = true
        release()
        var data = context.channel.allocator.buffer(capacity: 2 + reason.utf8.count)
        data.write(webSocketErrorCode: code)
        data.writeString(String(reason.utf8.prefix(123)) ?? "")
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, data: data)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(frame)).whenComplete { _ in channel.close(promise: nil) }
    }

    public func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        release()
    }
}
