/// Reads a tar stream pushed to it in chunks of any size (as exec output
/// arrives) and hands each entry to a sink without buffering file contents.
/// Understands ustar, GNU long names (`L`/`K`) and PAX `path`/`linkpath`/`size`.
final class TarReader {
    private enum State {
        /// Collecting the next 512-byte header block.
        case header
        /// Passing `remaining` bytes of file contents to the sink, then `padding` to skip.
        case contents(remaining: Int64, padding: Int)
        /// Collecting a long-name or PAX entry's data.
        case metadata(kind: TarHeader.Kind, remaining: Int, padding: Int)
        /// Skipping data of an entry nobody wants (unknown types, PAX globals).
        case skip(remaining: Int64)
        /// Two zero blocks seen: the archive is complete.
        case end
    }

    private let sink: TarEntrySink
    private var state = State.header
    private var block: [UInt8] = []
    private var metadata: [UInt8] = []
    private var longName: [UInt8]?
    private var longLink: [UInt8]?
    private var paxRecords: [String: [UInt8]] = [:]
    private var zeroBlocks = 0
    /// Longest long-name or PAX data accepted: bounds memory on a hostile stream.
    private static let metadataLimit = 1 << 20

    init(sink: TarEntrySink) {
        self.sink = sink
        block.reserveCapacity(TarHeader.blockSize)
    }

    /// True once the end-of-archive blocks have been read.
    var isComplete: Bool { if case .end = state { return true } else { return false } }

    /// Feeds the next bytes of the stream.
    func feed(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            switch state {
            case .end:
                return  // tar pads the archive to a record size with zeros: ignore what follows
            case .header:
                let take = min(TarHeader.blockSize - block.count, bytes.count - offset)
                block.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + take)]))
                offset += take
                if block.count == TarHeader.blockSize {
                    try block.withUnsafeBytes { try header($0) }
                    block.removeAll(keepingCapacity: true)
                }
            case .contents(var remaining, var padding):
                if remaining > 0 {
                    let take = Int(min(remaining, Int64(bytes.count - offset)))
                    try sink.contents(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + take)]))
                    offset += take
                    remaining -= Int64(take)
                }
                if remaining == 0 {
                    let take = min(padding, bytes.count - offset)
                    offset += take
                    padding -= take
                }
                if remaining == 0 && padding == 0 {
                    try sink.endEntry()
                    state = .header
                } else {
                    state = .contents(remaining: remaining, padding: padding)
                }
            case .metadata(let kind, let remaining, let padding):
                let take = min(remaining + padding, bytes.count - offset)
                let data = min(take, remaining)
                metadata.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + data)]))
                offset += take
                if remaining + padding - take == 0 {
                    try finishMetadata(kind)
                    state = .header
                } else {
                    state = .metadata(kind: kind, remaining: remaining - data, padding: padding - (take - data))
                }
            case .skip(let remaining):
                let take = Int(min(remaining, Int64(bytes.count - offset)))
                offset += take
                state = remaining - Int64(take) == 0 ? .header : .skip(remaining: remaining - Int64(take))
            }
        }
    }

    private func header(_ raw: UnsafeRawBufferPointer) throws {
        guard let header = try TarHeader.parse(raw) else {
            zeroBlocks += 1
            if zeroBlocks == 2 { state = .end }
            return
        }
        zeroBlocks = 0
        let padding = TarHeader.padding(for: header.size)
        switch header.kind {
        case .gnuLongName?, .gnuLongLink?, .paxExtended?:
            guard header.size <= Self.metadataLimit else {
                throw TarFormatError("a long-name entry of \(header.size) bytes")
            }
            metadata.removeAll(keepingCapacity: true)
            state = header.size == 0
                ? .header : .metadata(kind: header.kind!, remaining: Int(header.size), padding: padding)
            if header.size == 0 { try finishMetadata(header.kind!) }
            return
        case .paxGlobal?:
            state = header.size == 0 ? .header : .skip(remaining: header.size + Int64(padding))
            return
        default:
            break
        }
        var entry = TarEntry(
            path: paxRecords["path"] ?? longName ?? header.name,
            kind: .file, mode: header.mode & 0o7777,
            size: paxRecords["size"].flatMap { Int64(String(decoding: $0, as: UTF8.self)) } ?? header.size,
            mtime: header.mtime,
            linkTarget: paxRecords["linkpath"] ?? longLink ?? header.linkName)
        if let mtime = paxRecords["mtime"].flatMap({ Double(String(decoding: $0, as: UTF8.self)) }) {
            entry.mtime = Int64(mtime)
        }
        longName = nil
        longLink = nil
        paxRecords = [:]
        switch header.kind {
        case .file?: entry.kind = .file
        case .directory?: entry.kind = .directory
        case .symbolicLink?: entry.kind = .symbolicLink
        case .hardLink?: entry.kind = .hardLink
        default: entry.kind = .other(header.typeFlag)
        }
        // Only regular files carry contents; a hard link's size field is ignored (POSIX).
        let dataSize: Int64 = (entry.kind == .hardLink || entry.kind == .symbolicLink || entry.kind == .directory) ? 0 : entry.size
        if entry.kind != .file { entry.size = 0 }
        try sink.beginEntry(entry)
        if case .other = entry.kind {
            try sink.endEntry()
            state = dataSize == 0 ? .header : .skip(remaining: dataSize + Int64(TarHeader.padding(for: dataSize)))
        } else if dataSize == 0 {
            try sink.endEntry()
            state = .header
        } else {
            state = .contents(remaining: dataSize, padding: TarHeader.padding(for: dataSize))
        }
    }

    private func finishMetadata(_ kind: TarHeader.Kind) throws {
        switch kind {
        case .gnuLongName: longName = Array(metadata.prefix { $0 != 0 })
        case .gnuLongLink: longLink = Array(metadata.prefix { $0 != 0 })
        case .paxExtended: paxRecords.merge(try Self.paxRecords(metadata)) { $1 }
        default: break
        }
    }

    /// Parses "LEN key=value\n" records.
    static func paxRecords(_ data: [UInt8]) throws -> [String: [UInt8]] {
        var records: [String: [UInt8]] = [:]
        var index = 0
        while index < data.count {
            guard let space = data[index...].firstIndex(of: UInt8(ascii: " ")),
                let length = Int(String(decoding: data[index..<space], as: UTF8.self)),
                length > 0, index + length <= data.count
            else {
                if data[index...].allSatisfy({ $0 == 0 }) { break }
                throw TarFormatError("a bad PAX record at byte \(index)")
            }
            let record = data[(space + 1)..<(index + length - 1)]  // without the trailing newline
            if let equals = record.firstIndex(of: UInt8(ascii: "=")) {
                records[String(decoding: record[..<equals], as: UTF8.self)] = Array(record[(equals + 1)...])
            }
            index += length
        }
        return records
    }

    /// Checks the stream ended where an archive may end.
    func finish() throws {
        switch state {
        case .end: return
        case .header where block.isEmpty && zeroBlocks > 0: return  // one zero block: some writers stop there
        default: throw TarFormatError("the stream ended inside an entry")
        }
    }
}
