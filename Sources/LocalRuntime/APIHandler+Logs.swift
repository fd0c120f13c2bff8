import Foundation
import NIOCore
import NIOHTTP1

extension APIHandler {
    /// Sends a log as a chunked `text/plain` body, one chunk at a time: the next
    /// is read only once the last has reached the socket, so a client that does
    /// not read holds the server to one chunk. The client going away cancels the
    /// reading task at once, which closes the file. The audit line is written
    /// when the answer ends, with how many bytes went out and how it ended.
    func streamLog(_ reader: LogReader, audit: AuditLog.LogRead, to auditLog: AuditLog, context: ChannelHandlerContext, head request: HTTPRequestHead) {
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
            var line = audit
            defer {
                reader.close()
                line.end = AuditLog.timestamp(Date())
                auditLog.append(line)
            }
            do {
                while let chunk = try await reader.next() {
                    try await channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: chunk)))).get()
                    line.bytesOut += chunk.count
                }
                try await channel.writeAndFlush(HTTPServerResponsePart.end(nil)).get()
                line.status = "complete"
                if !keepAlive { try? await channel.close() }
            } catch {
                // Gone client, or a read that failed halfway: the answer cannot be
                // completed, and a closed connection tells the client so.
                line.status = Task.isCancelled || !channel.isActive ? "client-gone" : "failed"
                try? await channel.close()
            }
        }
        channel.closeFuture.whenComplete { _ in task.cancel() }
    }
}
