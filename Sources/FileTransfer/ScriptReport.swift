import Foundation

/// What the copy script said on stderr: its `porthole-cp:` lines, and the
/// tools' own messages kept (bounded) for the error a user sees.
final class ScriptReport: @unchecked Sendable {
    private let lock = NSLock()
    private var partial: [UInt8] = []
    private var _sha256: String?
    private var _exitCode: Int32?
    private var _done = false
    private var _staged = false
    private var _notes: [String] = []
    private var _diagnostics: [String] = []
    private static let diagnosticsLimit = 40

    func feed(_ bytes: [UInt8]) {
        lock.lock()
        defer { lock.unlock() }
        partial += bytes
        while let newline = partial.firstIndex(of: UInt8(ascii: "\n")) {
            take(String(decoding: partial[..<newline], as: UTF8.self))
            partial.removeSubrange(...newline)
        }
        if partial.count > 64 * 1024 { partial.removeAll() }  // a tool babbling without newlines
    }

    private func take(_ line: String) {
        guard line.hasPrefix(RemoteScript.linePrefix) else {
            if _diagnostics.count < Self.diagnosticsLimit, !line.isEmpty { _diagnostics.append(line) }
            return
        }
        let rest = line.dropFirst(RemoteScript.linePrefix.count)
        if rest.hasPrefix("sha256 ") {
            let hex = rest.dropFirst(7).trimmingCharacters(in: .whitespaces).lowercased()
            _sha256 = hex.count == 64 ? hex : nil
        } else if rest.hasPrefix("exit ") {
            _exitCode = Int32(rest.dropFirst(5).trimmingCharacters(in: .whitespaces))
        } else if rest == "done" {
            _done = true
        } else if rest == "staged" {
            _staged = true
        } else if rest.hasPrefix("note ") {
            _notes.append(String(rest.dropFirst(5)))
        } else if _diagnostics.count < Self.diagnosticsLimit {
            // The shell's own errors carry the same prefix (its $0 is porthole-cp):
            // "porthole-cp: 1: cannot open /x: Permission denied".
            _diagnostics.append(line)
        }
    }

    var sha256: String? { lock.lock(); defer { lock.unlock() }; return _sha256 }
    var exitCode: Int32? { lock.lock(); defer { lock.unlock() }; return _exitCode }
    /// A commit step renamed the upload into place.
    var done: Bool { lock.lock(); defer { lock.unlock() }; return _done }
    /// An upload step left the complete stream in its staging name.
    var staged: Bool { lock.lock(); defer { lock.unlock() }; return _staged }
    var notes: [String] { lock.lock(); defer { lock.unlock() }; return _notes }
    /// The tools' messages, one per line.
    var diagnostics: [String] {
        lock.lock()
        defer { lock.unlock() }
        return _diagnostics + (partial.isEmpty ? [] : [String(decoding: partial, as: UTF8.self)])
    }

    /// The error for a failed remote step, read from the tools' messages.
    func failure(instance: String, path: String, exitCode: Int32, arrived: Int64, kept: String?) -> TransferError {
        let lines = diagnostics
        let text = lines.joined(separator: "; ")
        // GNU tar reports a short write as "Wrote only N of M bytes", without the errno.
        if lines.contains(where: { $0.contains("No space left") || $0.contains("Disk quota") || $0.contains("Wrote only") }) {
            return .remoteDiskFull(instance: instance, path: path)
        }
        if let denied = lines.first(where: { $0.contains("Permission denied") }) {
            return .remotePermissionDenied(instance: instance, path: path, detail: denied)
        }
        if lines.contains(where: { $0.contains("No such file") }) {
            return .remoteNotFound(instance: instance, path: path)
        }
        return .remoteFailed(
            instance: instance, detail: text.isEmpty ? "the copy step exited with code \(exitCode)" : text,
            arrived: arrived, kept: kept)
    }
}
