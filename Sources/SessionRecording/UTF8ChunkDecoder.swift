/// Turns a byte stream that arrives in arbitrary chunks into text: a character
/// split across two chunks is held back until its end arrives, and bytes that
/// are not UTF-8 become U+FFFD. asciicast events are JSON strings, so each one
/// must be whole, valid text.
struct UTF8ChunkDecoder {
    private var pending: [UInt8] = []

    /// Decodes `bytes` after whatever an earlier chunk left incomplete.
    mutating func decode(_ bytes: [UInt8]) -> String {
        var input = pending
        input.append(contentsOf: bytes)
        let keep = Self.incompleteTailLength(input)
        pending = Array(input.suffix(keep))
        return String(decoding: input.dropLast(keep), as: UTF8.self)
    }

    /// Whatever is still held back, as text (at the end of the stream).
    mutating func flush() -> String {
        defer { pending = [] }
        return String(decoding: pending, as: UTF8.self)
    }

    /// How many bytes at the end start a sequence that is not complete yet (0…3).
    static func incompleteTailLength(_ bytes: [UInt8]) -> Int {
        // Look back at most 3 bytes for the lead byte of the last sequence.
        var index = bytes.count - 1
        var continuations = 0
        while index >= 0, continuations < 3, bytes[index] & 0xC0 == 0x80 {
            continuations += 1
            index -= 1
        }
        guard index >= 0 else { return 0 }
        let lead = bytes[index]
        let needed: Int
        switch lead {
        case 0xC2...0xDF: needed = 1
        case 0xE0...0xEF: needed = 2
        case 0xF0...0xF4: needed = 3
        default: return 0  // ASCII or an invalid lead: nothing to wait for
        }
        return continuations < needed ? continuations + 1 : 0
    }
}
