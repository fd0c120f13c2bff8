import Crypto
import Foundation

/// Everything a byte-exact copy must keep of a file tree: per relative path,
/// the type, the permission bits, and the SHA-256 of a file or a link's target.
struct TreeSnapshot: Equatable, CustomStringConvertible {
    var entries: [String: String] = [:]

    init(_ root: URL) throws {
        try walk(root.path, relative: "")
    }

    private mutating func walk(_ path: String, relative: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path]) }
        let mode = String(info.st_mode & 0o7777, radix: 8)
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            entries[relative + "/"] = "dir \(mode)"
            for name in try FileManager.default.contentsOfDirectory(atPath: path).sorted() {
                try walk(path + "/" + name, relative: relative + "/" + name)
            }
        case S_IFLNK:
            entries[relative] = "link -> " + (try FileManager.default.destinationOfSymbolicLink(atPath: path))
        default:
            entries[relative] = "file \(mode) \(try Self.sha256(ofFile: path))"
        }
    }

    static func sha256(ofFile path: String) throws -> String {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    var description: String { entries.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "\n") }
}
