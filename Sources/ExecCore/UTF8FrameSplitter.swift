/// Splits one output stream into WebSocket messages for Function Compute's
/// dialect: text while the bytes are valid UTF-8 (FC 2.0's Python SDK reads
/// the channel with `ord(msg[0])`, which works only on text frames), binary
/// otherwise, so every FC client receives every byte. A character split
/// across two reads is held back until its last byte arrives.
public struct UTF8FrameSplitter: Sendable {
    /// One message's payload (without the channel byte) and its kind.
    public struct Piece: Sendable, Equatable {
        public var text: Bool
        public var bytes: [UInt8]

        public init(text: Bool, bytes: [UInt8]) {
            self.text = text
            self.bytes = bytes
        }
    }

    private var held: [UInt8] = []

    public init() {}

    /// The messages for the next chunk of output, in order.
    public mutating func split(_ chunk: [UInt8]) -> [Piece] {
        let data = held + chunk
        held = []
        switch Self.scan(data) {
        case .valid: return data.isEmpty ? [] : [Piece(text: true, bytes: data)]
        case .incompleteTail(let start):
            held = Array(data[start...])
            return start == 0 ? [] : [Piece(text: true, bytes: Array(data[..<start]))]
        case .invalid: return [Piece(text: false, bytes: data)]
        }
    }

    /// Bytes still held at the end of the stream (an unfinished character), sent as binary.
    public mutating func flush() -> Piece? {
        defer { held = [] }
        return held.isEmpty ? nil : Piece(text: false, bytes: held)
    }

    /// Whether `bytes` is entirely valid UTF-8.
    public static func isValid(_ bytes: [UInt8]) -> Bool {
        if case .valid = scan(bytes) { return true }
        return false
    }

    enum Scan: Equatable {
        case valid
        /// Valid up to `start`, then the beginning of a character that has not fully arrived.
        case incompleteTail(start: Int)
        case invalid
    }

    static func scan(_ bytes: [UInt8]) -> Scan {
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var secondRange: ClosedRange<UInt8> = 0x80...0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; secondRange = 0xA0...0xBF
            case 0xED: length = 3; secondRange = 0x80...0x9F   // no surrogates
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xF0: length = 4; secondRange = 0x90...0xBF
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; secondRange = 0x80...0x8F
            default: return .invalid
            }
            for offset in 1..<length {
                guard index + offset < bytes.count else { return .incompleteTail(start: index) }
                let byte = bytes[index + offset]
                guard (offset == 1 ? secondRange : 0x80...0xBF).contains(byte) else { return .invalid }
            }
            index += length
        }
        return .valid
    }
}
