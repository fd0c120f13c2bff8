import Foundation

/// A WebSocket client written out by hand on a `RawSocket`, so tests can send
/// the frames a correct client never would: unmasked, reserved bits, reserved
/// opcodes, endless fragments, or nothing at all (not even pongs).
final class RawWebSocket {
    let socket: RawSocket
    private var pending: [UInt8] = []

    struct Frame: Equatable {
        var fin: Bool
        var opcode: UInt8
        var payload: [UInt8]
        /// The status code of a close frame.
        var closeCode: UInt16? {
            guard opcode == 0x8, payload.count >= 2 else { return nil }
            return UInt16(payload[0]) << 8 | UInt16(payload[1])
        }
    }

    /// Opens an exec session by hand: the upgrade request, then the 101.
    init(port: Int, path: String, token: String, subprotocol: String = "v5.channel.k8s.io") throws {
        socket = try RawSocket(port: port)
        try socket.send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Protocol: \(subprotocol)\r\nAuthorization: Bearer \(token)\r\n\r\n")
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let end = Self.headerEnd(pending) {
                let head = String(decoding: pending[..<end], as: UTF8.self)
                pending.removeFirst(end + 4)
                guard head.hasPrefix("HTTP/1.1 101") else { throw RawSocketError("upgrade refused: \(head)") }
                return
            }
            switch socket.receive(timeout: deadline.timeIntervalSinceNow) {
            case .data(let bytes): pending += bytes
            case .closed: throw RawSocketError("closed during the upgrade")
            case .timedOut: break
            }
        }
        throw RawSocketError("no upgrade response within 10 s")
    }

    static func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    /// Builds one frame as RFC 6455 §5.2 lays it out; `masked: false` and `rsv` break the rules on purpose.
    static func frame(opcode: UInt8, payload: [UInt8], fin: Bool = true, masked: Bool = true, rsv: UInt8 = 0) -> [UInt8] {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | (rsv & 0x7) << 4 | (opcode & 0xF)]
        let maskBit: UInt8 = masked ? 0x80 : 0
        if payload.count < 126 {
            bytes.append(maskBit | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            bytes.append(maskBit | 126)
            bytes += [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            bytes.append(maskBit | 127)
            bytes += (0..<8).reversed().map { UInt8((payload.count >> ($0 * 8)) & 0xFF) }
        }
        guard masked else { return bytes + payload }
        let key: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
        bytes += key
        bytes += payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
        return bytes
    }

    func send(opcode: UInt8, payload: [UInt8], fin: Bool = true, masked: Bool = true, rsv: UInt8 = 0) throws {
        try socket.send(Self.frame(opcode: opcode, payload: payload, fin: fin, masked: masked, rsv: rsv))
    }

    /// The next frame from the server, or nil when the connection closed or `timeout` passed.
    func readFrame(timeout: TimeInterval) -> Frame? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let frame = takeFrame() { return frame }
            guard Date() < deadline else { return nil }
            switch socket.receive(timeout: deadline.timeIntervalSinceNow) {
            case .data(let bytes): pending += bytes
            case .closed: return nil
            case .timedOut: return nil
            }
        }
    }

    /// Reads frames until a close frame (its code) or the end of the connection (nil).
    func readClose(timeout: TimeInterval) -> UInt16? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, let frame = readFrame(timeout: deadline.timeIntervalSinceNow) {
            if frame.opcode == 0x8 { return frame.closeCode }
        }
        return nil
    }

    private func takeFrame() -> Frame? {
        guard pending.count >= 2 else { return nil }
        var length = Int(pending[1] & 0x7F)
        var offset = 2
        if length == 126 {
            guard pending.count >= 4 else { return nil }
            length = Int(pending[2]) << 8 | Int(pending[3])
            offset = 4
        } else if length == 127 {
            guard pending.count >= 10 else { return nil }
            length = pending[2..<10].reduce(0) { $0 << 8 | Int($1) }
            offset = 10
        }
        let masked = pending[1] & 0x80 != 0
        if masked { offset += 4 }
        guard pending.count >= offset + length else { return nil }
        var payload = Array(pending[offset..<offset + length])
        if masked {
            let key = Array(pending[offset - 4..<offset])
            payload = payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
        }
        let frame = Frame(fin: pending[0] & 0x80 != 0, opcode: pending[0] & 0x0F, payload: payload)
        pending.removeFirst(offset + length)
        return frame
    }
}
