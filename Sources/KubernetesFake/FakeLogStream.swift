import Foundation
import NIOCore
import NIOHTTP1

/// One `pods/log` response body: lines as the kubelet writes them (an
/// RFC3339Nano time first with `timestamps`), cut at `limitBytes`, and for a
/// follow, new lines until the run ends. Used only on its channel's event loop.
final class FakeLogStream: @unchecked Sendable {
    let channel: Channel
    let logs: FakePodLogs
    let timestamps: Bool
    /// Bytes still allowed by `limitBytes` (nil: no limit).
    private var remaining: Int?
    var follow: UUID?
    private(set) var ended = false

    init(channel: Channel, logs: FakePodLogs, timestamps: Bool, limitBytes: Int?) {
        self.channel = channel
        self.logs = logs
        self.timestamps = timestamps
        self.remaining = limitBytes
    }

    /// Sends lines; ends the response when `limitBytes` is reached.
    func send(_ lines: [FakePodLogs.Line]) {
        guard !ended, !lines.isEmpty else { return }
        var bytes: [UInt8] = []
        for line in lines {
            if timestamps { bytes += Self.rfc3339Nano(line.time).utf8 + [UInt8(ascii: " ")] }
            bytes += line.text.utf8
            bytes.append(UInt8(ascii: "\n"))
        }
        var reachedLimit = false
        if let remaining {
            if bytes.count >= remaining {
                bytes = Array(bytes.prefix(remaining))
                reachedLimit = true
            }
            self.remaining = remaining - bytes.count
        }
        if !bytes.isEmpty {
            channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(channel.allocator.buffer(bytes: bytes))), promise: nil)
        }
        if reachedLimit { end() }
    }

    func deliver(_ event: FakePodLogs.Event) {
        switch event {
        case .line(let line): send([line])
        case .end: end()
        case .drop: drop()
        }
    }

    /// The last chunk: the response is complete.
    func end() {
        guard !ended else { return }
        ended = true
        if let follow { logs.stopFollowing(follow) }
        channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
    }

    /// Closes the connection mid-response: the client sees the body cut short.
    func drop() {
        guard !ended else { return }
        ended = true
        if let follow { logs.stopFollowing(follow) }
        channel.close(promise: nil)
    }

    /// The client went away: stop following, write nothing.
    func abandon() {
        ended = true
        if let follow { logs.stopFollowing(follow) }
    }

    /// Go's time.RFC3339Nano in UTC: nanoseconds with trailing zeros dropped (none at all for a whole second).
    static func rfc3339Nano(_ time: Date) -> String {
        let seconds = time.timeIntervalSince1970.rounded(.down)
        let nanos = Int(((time.timeIntervalSince1970 - seconds) * 1_000_000_000).rounded())
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        var text = formatter.string(from: Date(timeIntervalSince1970: seconds))  // …Z
        text.removeLast()
        if nanos > 0, nanos < 1_000_000_000 {
            var fraction = String(format: "%09d", nanos)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        return text + "Z"
    }
}
