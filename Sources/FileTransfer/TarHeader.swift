/// One 512-byte tar header block: ustar fields, written in GNU's flavour
/// (`ustar  \0` magic, `././@LongLink` entries for names over 100 bytes),
/// which GNU tar, busybox tar and bsdtar all read.
struct TarHeader: Equatable {
    /// The entry types porthole writes or understands.
    enum Kind: UInt8 {
        case file = 0x30          // '0' (and NUL in old archives)
        case hardLink = 0x31      // '1'
        case symbolicLink = 0x32  // '2'
        case directory = 0x35     // '5'
        case gnuLongName = 0x4C   // 'L': the next entry's name is this entry's data
        case gnuLongLink = 0x4B   // 'K': the next entry's link target
        case paxExtended = 0x78   // 'x': key=value records for the next entry
        case paxGlobal = 0x67     // 'g': records for every entry (ignored)
    }

    static let blockSize = 512

    /// Names and link targets as raw bytes: a name need not be UTF-8.
    var name: [UInt8]
    var mode: UInt32
    var uid: UInt32 = 0
    var gid: UInt32 = 0
    var size: Int64
    var mtime: Int64
    /// The raw type flag; `kind` maps the ones porthole acts on.
    var typeFlag: UInt8
    var linkName: [UInt8] = []

    var kind: Kind? { typeFlag == 0 ? .file : Kind(rawValue: typeFlag) }

    // MARK: Reading

    /// Parses a header block. Returns nil for an all-zero block (end of archive);
    /// throws when the checksum does not match (not a tar stream, or corrupt).
    static func parse(_ block: UnsafeRawBufferPointer) throws -> TarHeader? {
        precondition(block.count == blockSize)
        if block.allSatisfy({ $0 == 0 }) { return nil }
        let stored = try number(block, 148, 8)
        var unsigned: Int64 = 0
        for (index, byte) in block.enumerated() {
            unsigned += (148..<156).contains(index) ? 32 : Int64(byte)
        }
        guard stored == unsigned else {
            throw TarFormatError("header checksum mismatch (stored \(stored), computed \(unsigned))")
        }
        var name = field(block, 0, 100)
        // ustar splits long names into prefix (345..<500) and name.
        let magic = Array(block[257..<263])
        if magic == Array("ustar\0".utf8) {
            let prefix = field(block, 345, 155)
            if !prefix.isEmpty { name = prefix + [UInt8(ascii: "/")] + name }
        }
        return TarHeader(
            name: name, mode: UInt32(truncatingIfNeeded: try number(block, 100, 8)),
            uid: UInt32(truncatingIfNeeded: try number(block, 108, 8)),
            gid: UInt32(truncatingIfNeeded: try number(block, 116, 8)),
            size: try number(block, 124, 12), mtime: try number(block, 136, 12),
            typeFlag: block[156], linkName: field(block, 157, 100))
    }

    /// A NUL-terminated (or full-width) byte field.
    private static func field(_ block: UnsafeRawBufferPointer, _ offset: Int, _ width: Int) -> [UInt8] {
        let slice = block[offset..<(offset + width)]
        return Array(slice.prefix { $0 != 0 })
    }

    /// An octal number, or GNU base-256 when the high bit of the first byte is set.
    private static func number(_ block: UnsafeRawBufferPointer, _ offset: Int, _ width: Int) throws -> Int64 {
        let slice = block[offset..<(offset + width)]
        if let first = slice.first, first & 0x80 != 0 {
            var value: Int64 = Int64(first & 0x7F)
            for byte in slice.dropFirst() {
                guard value < (Int64.max >> 8) else { throw TarFormatError("a base-256 number overflows") }
                value = value << 8 | Int64(byte)
            }
            return value
        }
        var value: Int64 = 0
        var seenDigit = false
        for byte in slice {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                guard value < (Int64.max >> 3) else { throw TarFormatError("an octal number overflows") }
                value = value << 3 | Int64(byte - UInt8(ascii: "0"))
                seenDigit = true
            case 0, UInt8(ascii: " "):
                if seenDigit { return value }
            default:
                throw TarFormatError("byte \(byte) in a numeric field at offset \(offset)")
            }
        }
        return value
    }

    // MARK: Writing

    /// The header block for this entry. Names and targets must fit in 100
    /// bytes; `TarWriter` puts longer ones in a GNU long-name entry first.
    func encoded() -> [UInt8] {
        var block = [UInt8](repeating: 0, count: Self.blockSize)
        func put(_ bytes: [UInt8], _ offset: Int, _ width: Int) {
            for (index, byte) in bytes.prefix(width).enumerated() { block[offset + index] = byte }
        }
        func octal(_ value: Int64, _ offset: Int, _ width: Int) {
            if value >= 0, value < (Int64(1) << (3 * (width - 1))) {
                let digits = String(value, radix: 8)
                put(Array((String(repeating: "0", count: width - 1 - digits.count) + digits).utf8), offset, width - 1)
            } else {
                // GNU base-256 for sizes of 8 GiB and more.
                var remaining = value
                for index in stride(from: width - 1, through: 1, by: -1) {
                    block[offset + index] = UInt8(truncatingIfNeeded: remaining)
                    remaining >>= 8
                }
                block[offset] = 0x80
            }
        }
        put(name, 0, 100)
        octal(Int64(mode & 0o7777), 100, 8)
        octal(Int64(uid), 108, 8)
        octal(Int64(gid), 116, 8)
        octal(size, 124, 12)
        octal(mtime, 136, 12)
        block[156] = typeFlag
        put(linkName, 157, 100)
        put(Array("ustar  \0".utf8), 257, 8)
        for index in 148..<156 { block[index] = UInt8(ascii: " ") }
        let sum = block.reduce(0) { $0 + Int($1) }
        let digits = String(sum, radix: 8)
        put(Array((String(repeating: "0", count: 6 - digits.count) + digits).utf8), 148, 6)
        block[154] = 0
        block[155] = UInt8(ascii: " ")
        return block
    }

    /// Zero bytes that pad `size` bytes of data to a whole block.
    static func padding(for size: Int64) -> Int {
        let rest = Int(size % Int64(blockSize))
        return rest == 0 ? 0 : blockSize - rest
    }
}

/// A tar stream porthole cannot read, with what was wrong.
struct TarFormatError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = "malformed tar stream: \(description)" }
}
