import Foundation

/// Counts what a transfer has moved, file by file, for a progress bar (or a
/// console overlay). Updated from network threads; read from anywhere.
public final class TransferProgress: @unchecked Sendable {
    /// What has happened so far.
    public struct Snapshot: Sendable, Equatable {
        /// The file being copied now (its path inside the copied tree), or nil between files.
        public var file: String?
        public var fileBytes: Int64 = 0
        /// Its size, when known up front.
        public var fileSize: Int64?
        /// Content bytes of every file so far.
        public var totalBytes: Int64 = 0
        public var filesDone = 0
        public var elapsed: Double = 0

        /// Bytes per second over the whole transfer.
        public var rate: Double { elapsed > 0 ? Double(totalBytes) / elapsed : 0 }

        /// One line: "name  12.3 MiB / 64.0 MiB  45.6 MiB/s  ETA 0:02", cut to `width` columns.
        public func line(width: Int) -> String {
            var parts: [String] = []
            if let file { parts.append(filesDone > 0 ? "[\(filesDone + 1)] \(file)" : file) }
            if let size = fileSize {
                parts.append("\(ByteCountText.short(fileBytes)) / \(ByteCountText.short(size))")
            } else {
                parts.append(ByteCountText.short(fileBytes))
            }
            parts.append("\(ByteCountText.short(Int64(rate)))/s")
            if let size = fileSize, rate > 0 {
                parts.append("ETA \(ByteCountText.duration(Double(size - fileBytes) / rate))")
            }
            if filesDone > 0 { parts.append("total \(ByteCountText.short(totalBytes))") }
            let text = parts.joined(separator: "  ").replacingOccurrences(of: "\n", with: "?")
            return text.count <= width ? text : String(text.prefix(max(0, width - 1))) + "…"
        }
    }

    private let lock = NSLock()
    private var state = Snapshot()
    private let started = Date()
    private let onChange: (@Sendable (Snapshot, _ fileEnded: Bool) -> Void)?

    /// `onChange` runs on the thread that moved the bytes, on every update:
    /// keep it cheap (throttle drawing there).
    public init(onChange: (@Sendable (Snapshot, _ fileEnded: Bool) -> Void)? = nil) {
        self.onChange = onChange
    }

    public var snapshot: Snapshot {
        lock.lock()
        defer { lock.unlock() }
        var copy = state
        copy.elapsed = Date().timeIntervalSince(started)
        return copy
    }

    func beginFile(_ name: String, size: Int64?) {
        update(ended: false) {
            $0.file = name
            $0.fileBytes = 0
            $0.fileSize = size
        }
    }

    func add(_ count: Int) {
        update(ended: false) {
            $0.fileBytes += Int64(count)
            $0.totalBytes += Int64(count)
        }
    }

    func endFile() {
        update(ended: true) { $0.filesDone += 1 }
    }

    private func update(ended: Bool, _ change: (inout Snapshot) -> Void) {
        lock.lock()
        change(&state)
        var copy = state
        lock.unlock()
        guard let onChange else { return }
        copy.elapsed = Date().timeIntervalSince(started)
        onChange(copy, ended)
    }
}
