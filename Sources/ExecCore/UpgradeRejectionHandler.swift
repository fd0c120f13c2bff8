import NIOCore
import NIOHTTP1

/// Sits behind the client upgrade handler: when the server answers the upgrade
/// with an ordinary HTTP response (404, 410, 401…), it gathers the body and
/// fails the connect with it, so the caller can show the server's own message.
final class UpgradeRejectionHandler<Success>: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<Success>
    private var status: Int = 0
    private var body: [UInt8] = []
    private let host: String
    private let port: Int

    init(promise: EventLoopPromise<Success>, host: String = "", port: Int = 0) {
        self.promise = promise
        self.host = host
        self.port = port
    }

    /// A failure before the upgrade (a TLS handshake the server or the client
    /// refused) is reported with its cause, not as a bare closed connection.
    func errorCaught(context: ChannelHandlerContext, error: Error) {
        promise.fail(ExecConnectError.unreachable(host: host, port: port, reason: "\(error)"))
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): status = Int(head.status.code)
        case .body(let buffer):
            if body.count < 1 << 16 { body += buffer.readableBytesView.prefix((1 << 16) - body.count) }
        case .end:
            promise.fail(ExecConnectError.rejected(status: status, body: body))
            context.close(promise: nil)
        }
    }
}
