import NIOCore

/// Sits on a process's stdout/stderr channel and hands what it reads to the
/// session's pump; reports end of stream and writability (for stdin backpressure).
final class ProcessStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let channelByte: ExecChannel
    private weak var pump: ExecSessionPump?
    private var ended = false

    init(channel: ExecChannel, pump: ExecSessionPump) {
        self.channelByte = channel
        self.pump = pump
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        pump?.processOutput(unwrapInboundIn(data), on: channelByte)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        pump?.processReadComplete()
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event { end() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        pump?.processWritabilityChanged(writable: context.channel.isWritable)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // EIO on a pty master means every holder of the slave has gone: end of stream.
        end()
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        end()
    }

    private func end() {
        guard !ended else { return }
        ended = true
        pump?.processOutputEnded(channelByte)
    }
}
