#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A local path as raw bytes, so names that are not UTF-8 (or hold newlines)
/// survive a round trip byte for byte; the POSIX calls take it as a C string.
struct LocalPath: Equatable, CustomStringConvertible {
    var bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }
    init(_ text: String) { self.bytes = Array(text.utf8) }

    /// This path with `component` appended after a slash.
    func appending(_ component: [UInt8]) -> LocalPath {
        if bytes.isEmpty { return LocalPath(component) }
        if bytes.last == UInt8(ascii: "/") { return LocalPath(bytes + component) }
        return LocalPath(bytes + [UInt8(ascii: "/")] + component)
    }

    func appending(_ component: String) -> LocalPath { appending(Array(component.utf8)) }

    /// The last component, trailing slashes ignored ("a/b/" → "b").
    var lastComponent: [UInt8] {
        let trimmed = trimmingTrailingSlashes
        guard let slash = trimmed.lastIndex(of: UInt8(ascii: "/")) else { return trimmed }
        return Array(trimmed[(slash + 1)...])
    }

    /// Everything before the last component ("a/b" → "a", "b" → ".", "/b" → "/").
    var parent: LocalPath {
        let trimmed = trimmingTrailingSlashes
        guard let slash = trimmed.lastIndex(of: UInt8(ascii: "/")) else { return LocalPath(".") }
        return slash == 0 ? LocalPath("/") : LocalPath(Array(trimmed[..<slash]))
    }

    private var trimmingTrailingSlashes: [UInt8] {
        var trimmed = bytes[...]
        while trimmed.count > 1, trimmed.last == UInt8(ascii: "/") { trimmed = trimmed.dropLast() }
        return Array(trimmed)
    }

    /// Calls `body` with the path as a NUL-terminated C string.
    func withCString<Result>(_ body: (UnsafePointer<CChar>) throws -> Result) rethrows -> Result {
        try (bytes + [0]).withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }
        }
    }

    /// The path for messages; bytes that are not UTF-8 show as U+FFFD.
    var description: String { String(decoding: bytes, as: UTF8.self) }

    /// lstat(2): what is at this path, without following a final symlink; nil when nothing is.
    func status() throws -> stat? {
        var info = stat()
        let result = withCString { lstat($0, &info) }
        if result == 0 { return info }
        if errno == ENOENT || errno == ENOTDIR { return nil }
        throw TransferError.local(path: description, errno: errno, doing: "look at")
    }

    /// stat(2), following symlinks; nil when nothing is there.
    func followedStatus() -> stat? {
        var info = stat()
        return withCString { stat($0, &info) } == 0 ? info : nil
    }

    var isDirectory: Bool { followedStatus().map { $0.st_mode & S_IFMT == S_IFDIR } ?? false }

    /// Removes this path and, for a directory, everything under it (never following symlinks).
    func removeTree() {
        guard let info = try? status() else { return }
        if info.st_mode & S_IFMT == S_IFDIR {
            // Give ourselves the right to list and empty a directory a copied mode made read-only.
            _ = withCString { chmod($0, 0o700) }
            for name in (try? directoryEntries()) ?? [] { appending(name).removeTree() }
            _ = withCString { rmdir($0) }
        } else {
            _ = withCString { unlink($0) }
        }
    }

    /// The names in this directory, sorted, without "." and "..".
    func directoryEntries() throws -> [[UInt8]] {
        guard let directory = withCString({ opendir($0) }) else {
            throw TransferError.local(path: description, errno: errno, doing: "open directory")
        }
        defer { closedir(directory) }
        var names: [[UInt8]] = []
        while let entry = readdir(directory) {
            let name: [UInt8] = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
            names.append(name)
        }
        return names.sorted { $0.lexicographicallyPrecedes($1) }
    }
}
