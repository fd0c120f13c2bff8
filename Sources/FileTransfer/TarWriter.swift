#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a local file or directory tree as a tar stream, in chunks handed to
/// `send` (which awaits the socket, so memory stays at one chunk). Entries
/// are named `payload/…`; symlinks stay links, modes and mtimes are kept,
/// empty directories are entries, names over 100 bytes get a GNU long-name
/// entry. Devices, fifos and sockets are skipped and reported.
final class TarWriter {
    static let chunkSize = 256 * 1024

    private let send: ([UInt8]) async throws -> Void
    private let progress: TransferProgress?
    private var buffer: [UInt8] = []
    private(set) var skipped: [String] = []
    private(set) var files = 0

    init(progress: TransferProgress?, send: @escaping ([UInt8]) async throws -> Void) {
        self.send = send
        self.progress = progress
        buffer.reserveCapacity(Self.chunkSize + TarHeader.blockSize * 4)
    }

    /// Writes `source` (and, for a directory, everything under it) as `name`;
    /// `followLink` follows `source` itself when it is a symlink.
    func write(_ source: LocalPath, as name: [UInt8], followLink: Bool = false) async throws {
        guard let info = try followLink ? source.followedStatus() : source.status() else {
            throw TransferError.local(path: source.description, errno: ENOENT, doing: "read")
        }
        let mode = UInt32(info.st_mode) & 0o7777
        let mtime = Int64(info.st_mtim.tv_sec)
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            try await header(TarHeader(name: name + [UInt8(ascii: "/")], mode: mode, size: 0, mtime: mtime,
                                       typeFlag: TarHeader.Kind.directory.rawValue))
            for child in try source.directoryEntries() {
                try await write(source.appending(child), as: name + [UInt8(ascii: "/")] + child)
            }
        case S_IFLNK:
            var target = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = source.withCString { path in target.withUnsafeMutableBufferPointer {
                $0.withMemoryRebound(to: CChar.self) { readlink(path, $0.baseAddress!, $0.count - 1) } } }
            guard count >= 0 else { throw TransferError.local(path: source.description, errno: errno, doing: "read link") }
            try await header(TarHeader(name: name, mode: mode, size: 0, mtime: mtime,
                                       typeFlag: TarHeader.Kind.symbolicLink.rawValue, linkName: Array(target[..<count])))
        case S_IFREG:
            try await file(source, as: name, size: Int64(info.st_size), mode: mode, mtime: mtime)
        default:
            skipped.append(source.description)
        }
    }

    /// Two zero blocks end the archive; then flushes.
    func finish() async throws {
        buffer.append(contentsOf: [UInt8](repeating: 0, count: TarHeader.blockSize * 2))
        try await flush()
    }

    private func file(_ source: LocalPath, as name: [UInt8], size: Int64, mode: UInt32, mtime: Int64) async throws {
        let fd = source.withCString { open($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { throw TransferError.local(path: source.description, errno: errno, doing: "read") }
        defer { close(fd) }
        try await header(TarHeader(name: name, mode: mode, size: size, mtime: mtime, typeFlag: TarHeader.Kind.file.rawValue))
        progress?.beginFile(TarExtractor.displayName(Array(name.drop { $0 != UInt8(ascii: "/") }.dropFirst())).nonEmpty
                            ?? source.lastComponent.text, size: size)
        // Contents go out in chunks of their own, read straight into a fresh array (no copying).
        try await flush()
        var remaining = size
        while remaining > 0 {
            let want = Int(min(remaining, Int64(Self.chunkSize)))
            var failure: Int32 = 0
            let chunk = [UInt8](unsafeUninitializedCapacity: want) { storage, initialized in
                var count = 0
                while count < want {
                    let got = read(fd, storage.baseAddress! + count, want - count)
                    if got < 0 && errno == EINTR { continue }
                    if got <= 0 {
                        failure = got < 0 ? errno : 0
                        break
                    }
                    count += got
                }
                initialized = count
            }
            if failure != 0 { throw TransferError.local(path: source.description, errno: failure, doing: "read") }
            if chunk.count < want {
                // The file shrank while we read it; the header promised `size` bytes.
                throw TransferError.badArgument("\(source): the file shrank while it was being copied; copy it again when it is not being written")
            }
            remaining -= Int64(chunk.count)
            try await send(chunk)
            progress?.add(chunk.count)
        }
        buffer.append(contentsOf: [UInt8](repeating: 0, count: TarHeader.padding(for: size)))
        files += 1
        progress?.endFile()
    }

    private func header(_ header: TarHeader) async throws {
        var header = header
        if header.name.count > 100 {
            try await longEntry(header.name, kind: .gnuLongName)
            header.name = Array(header.name.prefix(100))
        }
        if header.linkName.count > 100 {
            try await longEntry(header.linkName, kind: .gnuLongLink)
            header.linkName = Array(header.linkName.prefix(100))
        }
        header.uid = UInt32(getuid())
        header.gid = UInt32(getgid())
        buffer.append(contentsOf: header.encoded())
        if buffer.count >= Self.chunkSize { try await flush() }
    }

    /// A `././@LongLink` entry whose data is the long name, NUL-terminated.
    private func longEntry(_ value: [UInt8], kind: TarHeader.Kind) async throws {
        let data = value + [0]
        buffer.append(contentsOf: TarHeader(
            name: Array("././@LongLink".utf8), mode: 0o644, size: Int64(data.count), mtime: 0,
            typeFlag: kind.rawValue).encoded())
        buffer.append(contentsOf: data)
        buffer.append(contentsOf: repeatElement(0, count: TarHeader.padding(for: Int64(data.count))))
    }

    private func flush() async throws {
        guard !buffer.isEmpty else { return }
        let chunk = buffer
        buffer.removeAll(keepingCapacity: true)
        try await send(chunk)
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}

extension Array where Element == UInt8 {
    var text: String { String(decoding: self, as: UTF8.self) }
}
