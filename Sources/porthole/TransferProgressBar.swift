import CShims
import FileTransfer
import Foundation

/// The progress line of `porthole cp` on stderr: bytes, rate, ETA, file by
/// file; redrawn at most ten times a second, and a line kept for each file
/// of a directory that took a while, so a long copy leaves a record.
final class TransferProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private var lastDraw = Date.distantPast
    private var fileStarted = Date()
    private var drawn = false
    private(set) var progress: TransferProgress!

    init() {
        progress = TransferProgress { [weak self] snapshot, fileEnded in self?.update(snapshot, fileEnded: fileEnded) }
    }

    private func update(_ snapshot: TransferProgress.Snapshot, fileEnded: Bool) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        if fileEnded {
            // Keep a line for a file that took long enough to watch; small files just flash by.
            if now.timeIntervalSince(fileStarted) >= 1 {
                write("\r\u{1B}[K" + snapshot.line(width: Self.width()) + "\n")
                drawn = false
            }
            fileStarted = now
            return
        }
        if snapshot.fileBytes == 0 { fileStarted = now }
        guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        write("\r\u{1B}[K" + snapshot.line(width: Self.width()))
        drawn = true
    }

    /// Erases the line (before an error or a note).
    func clear() {
        lock.lock()
        defer { lock.unlock() }
        if drawn { write("\r\u{1B}[K") }
        drawn = false
    }

    /// Replaces the bar with a summary.
    func finish(_ report: TransferReport) {
        clear()
        let snapshot = progress.snapshot
        let check: String
        switch report.verification {
        case .sha256: check = "SHA-256 verified"
        case .size: check = "size checked (no hashing in the instance)"
        }
        let files = report.files == 1 ? "" : "\(report.files) files, "
        let seconds = String(format: "%.1f", snapshot.elapsed)
        write("\(report.destination): \(files)\(Self.bytes(snapshot.totalBytes)) in \(seconds) s "
              + "(\(Self.bytes(Int64(snapshot.rate)))/s), \(check)\n")
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    private static func width() -> Int {
        var cols: UInt16 = 0, rows: UInt16 = 0
        return porthole_get_winsize(2, &cols, &rows) == 0 && cols > 10 ? Int(cols) - 1 : 79
    }

    private static func bytes(_ count: Int64) -> String { ByteCountText.short(count) }
}
