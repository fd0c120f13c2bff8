import NIOCore
import NIOHTTP1

extension APIHandler {
    /// Sends a log as a chunked `text/plain` body, one chunk at a time: the next
    /// is read only once the last has reached the socket, so a client that does
    /// not read holds the server to one chunk. The client going away cancels the
    /// reading task at once, which closes the file.
    func streamLog(_ reader: LogReader, context: ChannelHandlerContext, head request: HTTPRequestHead) {
        var headers = HTTPHeaders()
        headers.add(name: "x-fc-request-id", value: Self.requestId())
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Transfer-Encoding", value: "chunked")
        headers.add(name: "Cache-Control", value: "no-cache")
        let keepAlive = request.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.writeAndFlush(
            wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: .ok, headers: headers))), promise: nil)
        let channel = context.channel
        let task = Task {
            defer { reader.close() }
            do {
                while let chunk = try await reader.next() {
                    try await channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: chunk)))).get()
                }
                try await channel.writeAndFlush(HTTPServerResponsePart.end(nil)).get()
                if !keepAlive { try? await channel.close() }
            } catch {
                // Gone client, or a read that failed halfway: the answer cannot be
                // completed, and a closed connection tells the client so.
                try? await channel.close()
            }
        }
        channel.closeFuture.whenComplete { _ in task.cancel() }
    }
}
