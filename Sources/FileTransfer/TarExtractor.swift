#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a tar stream's entries under a staging directory. The archive's
/// first component (the remote basename) becomes `payload`, so whatever the
/// remote name, the finished copy is `staging/payload`, renamed into place
/// by the caller. Modes are applied at the end (a read-only directory can
/// still be filled); names with `..` or an absolute path are refused, since
/// an instance is not trusted to write outside the destination.
final class TarExtractor: TarEntrySink {
    static let payloadName = Array("payload".utf8)

    private let staging: LocalPath
    private let progress: TransferProgress?
    private var file: Int32 = -1
    private var filePath: LocalPath?
    private var fileEntry: TarEntry?
    private var directories: [(LocalPath, TarEntry)] = []
    /// Content bytes written so far.
    private(set) var written: Int64 = 0
    private(set) var entries = 0
    /// Regular files completed.
    private(set) var files = 0

    init(staging: LocalPath, progress: TransferProgress?) {
        self.staging = staging
        self.progress = progress
    }

    /// The staging path for an archive path, or nil for the archive root ("./").
    static func relativeComponents(_ archivePath: [UInt8]) throws -> [[UInt8]]? {
        if archivePath.first == UInt8(ascii: "/") {
            throw TarFormatError("absolute path \(String(decoding: archivePath, as: UTF8.self)) in the stream")
        }
        var components: [[UInt8]] = []
        for part in archivePath.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if part.elementsEqual([UInt8(ascii: ".")]) { continue }
            if part.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) {
                throw TarFormatError("path with .. (\(String(decoding: archivePath, as: UTF8.self))) in the stream")
            }
            components.append(Array(part))
        }
        guard !components.isEmpty else { return nil }
        components[0] = payloadName
        return components
    }

    private func target(_ archivePath: [UInt8]) throws -> LocalPath? {
        guard let components = try Self.relativeComponents(archivePath) else { return nil }
        return components.reduce(staging) { $0.appending($1) }
    }

    func beginEntry(_ entry: TarEntry) throws {
        guard let path = try target(entry.path) else { return }
        entries += 1
        switch entry.kind {
        case .file:
            let fd = path.withCString { open($0, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) }
            guard fd >= 0 else { throw TransferError.local(path: path.description, errno: errno, doing: "create") }
            file = fd
            filePath = path
            fileEntry = entry
            progress?.beginFile(Self.displayName(entry.path), size: entry.size)
        case .directory:
            if path.withCString({ mkdir($0, 0o700) }) != 0 && errno != EEXIST {
                throw TransferError.local(path: path.description, errno: errno, doing: "create directory")
            }
            directories.append((path, entry))
        case .symbolicLink:
            let made = LocalPath(entry.linkTarget).withCString { target in path.withCString { symlink(target, $0) } }
            if made != 0 { throw TransferError.local(path: path.description, errno: errno, doing: "create symlink") }
        case .hardLink:
            guard let existing = try target(entry.linkTarget) else {
                throw TarFormatError("a hard link to the archive root")
            }
            let made = existing.withCString { from in path.withCString { link(from, $0) } }
            if made != 0 { throw TransferError.local(path: path.description, errno: errno, doing: "create hard link") }
        case .other:
            break  // devices and fifos are not data; a copy skips them as `docker cp` does
        }
    }

    func contents(_ bytes: UnsafeRawBufferPointer) throws {
        guard file >= 0 else { return }
        try Self.writeAll(file, bytes, path: filePath?.description ?? "")
        written += Int64(bytes.count)
        progress?.add(bytes.count)
    }

    func endEntry() throws {
        guard file >= 0, let entry = fileEntry else { return }
        defer {
            close(file)
            file = -1
            fileEntry = nil
        }
        fchmod(file, mode_t(entry.mode))
        var times = [timespec(tv_sec: Int(entry.mtime), tv_nsec: 0), timespec(tv_sec: Int(entry.mtime), tv_nsec: 0)]
        futimens(file, &times)
        files += 1
        progress?.endFile()
    }

    /// Applies directory modes and times, deepest first; call once the archive is complete.
    func finish() {
        for (path, entry) in directories.reversed() {
            _ = path.withCString { chmod($0, mode_t(entry.mode)) }
            var times = [timespec(tv_sec: Int(entry.mtime), tv_nsec: 0), timespec(tv_sec: Int(entry.mtime), tv_nsec: 0)]
            _ = path.withCString { utimensat(AT_FDCWD, $0, &times, 0) }
        }
    }

    /// Closes a file left open by an interrupted stream.
    func abandon() {
        if file >= 0 { close(file) }
        file = -1
    }

    static func displayName(_ archivePath: [UInt8]) -> String {
        var text = String(decoding: archivePath, as: UTF8.self)
        if text.hasPrefix("./") { text.removeFirst(2) }
        return text
    }

    /// write(2) until every byte is out; ENOSPC and friends become a `TransferError`.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let count = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw TransferError.local(path: path, errno: errno, doing: "write")
            }
            offset += count
        }
    }
}
