import Foundation

/// Appends one JSON line per exec session: who, where, what, how it ended and
/// how many bytes moved. Never the session's content. Reads of an instance's
/// log are written too: a log can hold what a session printed.
final class AuditLog: Sendable {
    struct Entry: Codable {
        var start: String
        var end: String
        var identity: String
        var function: String
        var instance: String
        var argv: [String]
        var tty: Bool
        var status: String
        var exitCode: Int32?
        var reason: String?
        var bytesIn: Int
        var bytesOut: Int
        /// The client's recording of the session (`porthole exec --record`), if any.
        var recording: String?
    }

    /// An exec that was refused before it started (401, 404, 410, 400): who
    /// tried, on what, and why not. The presented token is never written.
    struct Refusal: Codable {
        var time: String
        var event = "exec-refused"
        /// The token's fingerprint when it was valid, else "no token" or "wrong token".
        var identity: String
        var peer: String
        var function: String?
        var instance: String?
        var argv: [String]
        var httpStatus: Int
        var code: String
        var reason: String
    }

    /// One read of an instance's log (`GET …/logs`), written when the answer ends.
    struct LogRead: Codable {
        var event = "logs"
        var start: String
        var end: String = ""
        var identity: String
        var peer: String
        var function: String
        var instance: String
        var tailLines: Int?
        var follow: Bool
        /// complete (the log was read to its end), client-gone, or failed.
        var status: String = ""
        var bytesOut: Int = 0
    }

    let file: URL
    private let lock = NSLock()

    init(file: URL) {
        self.file = file
    }

    func append(_ entry: Entry) { write(entry) }

    func append(_ refusal: Refusal) { write(refusal) }

    func append(_ read: LogRead) { write(read) }

    private func write<Line: Encodable>(_ entry: Line) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var line = try? encoder.encode(entry) else { return }
        line.append(UInt8(ascii: "\n"))
        lock.lock()
        defer { lock.unlock() }
        if !FileManager.default.fileExists(atPath: file.path) {
            FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        guard let handle = try? FileHandle(forWritingTo: file) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: line)
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
