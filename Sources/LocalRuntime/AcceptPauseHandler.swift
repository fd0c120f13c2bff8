import Foundation
import NIOCore

/// Stops accepting for a while when `accept()` fails for lack of descriptors or
/// memory, instead of retrying at once: the pending connection keeps the
/// listening socket readable, so every retry fails again at once and the event
/// loop spins a whole core.
///
/// NIO's `AcceptBackoffHandler` cannot stop this here: after a failed accept
/// the channel keeps its read pending and stays registered for readability, so
/// the next event reads again without asking the pipeline. Turning `autoRead`
/// off drops the pending read and the registration; it is turned back on after
/// `pause`.
final class AcceptPauseHandler: ChannelInboundHandler {
    typealias InboundIn = Channel
    typealias InboundOut = Channel

    private let pause: TimeAmount
    private var paused = false

    init(pause: TimeAmount) {
        self.pause = pause
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let error = error as? IOError, [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(error.errnoCode), !paused {
            paused = true
            let channel = context.channel
            let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
            channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
            context.eventLoop.scheduleTask(in: pause) {
                loopBound.value.paused = false
                channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
            }
            return   // expected under load; nothing further to report
        }
        context.fireErrorCaught(error)
    }
}
