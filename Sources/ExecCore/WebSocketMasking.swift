import NIOCore
import NIOWebSocket

/// RFC 6455 masking — XOR with the 4-byte key, repeating — eight bytes at a
/// time. NIO's `webSocketMask` goes a byte at a time through a collection;
/// every client frame is masked, so on the stdin path that loop cost more
/// than the copy and the socket write together (and ten times that in a
/// debug build).
enum WebSocketMasking {
    /// The key repeated to fill a machine word, in memory order.
    static func word(_ key: WebSocketMaskingKey) -> UInt64 {
        var word: UInt64 = 0
        withUnsafeMutableBytes(of: &word) { bytes in
            for index in 0..<8 { bytes[index] = key[key.index(key.startIndex, offsetBy: index % 4)] }
        }
        return word
    }

    /// XORs `bytes` in place with `key`, starting at key byte `offset % 4`.
    static func apply(_ key: WebSocketMaskingKey, to bytes: UnsafeMutableRawBufferPointer, offset: Int = 0) {
        let rotated = rotate(word(key), by: offset % 4)
        var index = 0
        let count = bytes.count
        while index + 8 <= count {
            let value = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            bytes.storeBytes(of: value ^ rotated, toByteOffset: index, as: UInt64.self)
            index += 8
        }
        withUnsafeBytes(of: rotated) { key in
            while index < count {
                bytes[index] ^= key[index % 8]
                index += 1
            }
        }
    }

    /// The word whose memory order starts at key byte `by`.
    private static func rotate(_ word: UInt64, by offset: Int) -> UInt64 {
        guard offset != 0 else { return word }
        var result: UInt64 = 0
        withUnsafeBytes(of: word) { source in
            withUnsafeMutableBytes(of: &result) { target in
                for index in 0..<8 { target[index] = source[(index + offset) % 8] }
            }
        }
        return result
    }
}

extension ByteBuffer {
    /// Unmasks (or masks: it is the same operation) the readable bytes in place.
    mutating func applyWebSocketMask(_ key: WebSocketMaskingKey) {
        withUnsafeMutableReadableBytes { WebSocketMasking.apply(key, to: $0) }
    }
}
