import Foundation
import SessionRecording

/// A pane's recording into an asciicast v2 file (output and resizes, never what
/// is typed), switched on and off on the UI thread while the session's output
/// arrives on network threads. Output is recorded as it arrives, before the pane
/// shows it, as `porthole exec --record` does.
///
/// `@unchecked Sendable`: its one mutable field, `writer`, is read and written
/// only under `lock`, and `AsciicastWriter` is itself safe from any thread.
final class PaneRecorder: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var writer: AsciicastWriter?

    /// The file being written, nil when not recording.
    var path: String? { lock.withLock { writer?.path } }

    var isRecording: Bool { path != nil }

    /// Starts recording into `writer` (its header already written), beginning
    /// with the output `opening` returns (the screen so far). Both happen under
    /// the lock: output arriving meanwhile waits in `output(_:then:)`, so every
    /// byte is in the opening or recorded after it, once.
    func start(_ writer: AsciicastWriter, opening: () -> [UInt8] = { [] }) {
        lock.withLock {
            let bytes = opening()
            if !bytes.isEmpty { writer.output(bytes) }
            self.writer = writer
        }
    }

    /// Bytes the session produced: recorded, then handed on by `deliver` (to the
    /// pane's output queue) under the same lock, so a recording that starts
    /// meanwhile sees them either on the screen it opens with or as output.
    func output(_ bytes: [UInt8], then deliver: () -> Void) {
        lock.withLock {
            writer?.output(bytes)
            deliver()
        }
    }

    /// The pane's terminal has a new size.
    func resize(cols: Int, rows: Int) {
        lock.withLock { writer }?.resize(cols: cols, rows: rows)
    }

    /// Writes the final marker and closes the file. Returns the file and the first
    /// write error, if any; nil when nothing was being recorded.
    @discardableResult
    func finish(_ end: RecordedEnd) -> (path: String, error: AsciicastError?)? {
        let finished = lock.withLock { () -> AsciicastWriter? in
            defer { writer = nil }
            return writer
        }
        guard let finished else { return nil }
        finished.finish(end)
        return (finished.path, finished.error)
    }

    /// Creates a recording file for a pane in `directory` (made, mode 0700, if
    /// missing), named after function, instance and the local time, and writes
    /// its header: the pane's size, the command, and TERM as the pane's program sees it.
    static func makeWriter(
        functionName: String, instanceId: String, purpose: PanePurpose, cols: Int, rows: Int,
        directory: URL, now: Date = Date()
    ) throws -> AsciicastWriter {
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            // Foundation wraps the errno; its text is what a user can act on.
            let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? any Error
            let text = underlying.map { ($0 as NSError).localizedDescription } ?? error.localizedDescription
            let reason = text.replacingOccurrences(of: "The operation could not be completed. ", with: "")
            throw AsciicastError.cannotCreate(path: directory.path + "/", reason: reason)
        }
        var url = directory.appendingPathComponent(fileName(functionName: functionName, instanceId: instanceId, date: now))
        // Two recordings of one instance within a second get their own files.
        var number = 2
        while FileManager.default.fileExists(atPath: url.path) {
            url = directory.appendingPathComponent(
                fileName(functionName: functionName, instanceId: instanceId, date: now, number: number))
            number += 1
        }
        let environment = ProcessInfo.processInfo.environment
        let header = AsciicastHeader(
            width: cols, height: rows, timestamp: Int(now.timeIntervalSince1970),
            command: AsciicastHeader.commandLine(purpose.isLog ? purpose.argv + [instanceId] : purpose.argv),
            title: "porthole console: \(functionName) / \(instanceId) · \(purpose.label)",
            env: ["TERM": PanePurpose.terminalType, "SHELL": environment["SHELL"] ?? ""].filter { !$0.value.isEmpty })
        return try AsciicastWriter(path: url.path, header: header)
    }

    /// `FUNCTION_INSTANCE_YYYYMMDD-HHMMSS[_N].cast`, with anything but letters,
    /// digits, `.`, `-` and `_` in the names made `_` (a Kubernetes function is `namespace/name`).
    static func fileName(functionName: String, instanceId: String, date: Date, number: Int? = nil) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        var name = "\(safe(functionName))_\(safe(instanceId))_\(formatter.string(from: date))"
        if let number { name += "_\(number)" }  // "_" sorts after ".": a second file lists after the first
        return name + ".cast"
    }

    private static func safe(_ text: String) -> String {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_")
        let cleaned = String(text.map { allowed.contains($0) ? $0 : "_" })
        return cleaned.isEmpty || cleaned.hasPrefix(".") ? "_" + cleaned : cleaned
    }
}
