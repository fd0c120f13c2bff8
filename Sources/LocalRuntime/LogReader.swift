import Foundation
import NIOConcurrencyHelpers

/// Reads one instance's output log for the logs endpoint, a chunk at a time,
/// so a 100 MB log is never in memory at once and a client that stops reading
/// stops the reading (the endpoint asks for the next chunk only once the last
/// one is written to the socket).
///
/// Following, it polls the file every `pollInterval` rather than watching it
/// with inotify: a poll is one pread of a page-cached file, it needs no extra
/// descriptor or thread per follower, and the two things a follower must notice
/// besides new bytes — the instance ending and the log being cut back — are
/// platform state that no file event reports anyway. For logs read by people,
/// a tenth of a second is not noticeable.
///
/// `@unchecked Sendable`: one task at a time calls `next` and then `close`
/// (the endpoint's streaming task); `fd`, `offset` and `seenCuts` are touched
/// only there.
final class LogReader: @unchecked Sendable {
    struct Source: Sendable {
        var file: URL
        var cuts: LogCuts
        /// Whether the instance has ended (its process exited): then nothing more is written.
        var hasEnded: @Sendable () -> Bool
    }

    enum OpenError: Error {
        /// The file is gone (pruned).
        case missing
    }

    /// How many readers are open.
    final class Counter: Sendable {
        private let count = NIOLockedValueBox(0)
        var open: Int { count.withLockedValue { $0 } }
        func add(_ delta: Int) { count.withLockedValue { $0 += delta } }
    }

    static let chunkSize = 64 * 1024
    static let pollInterval: Duration = .milliseconds(100)

    private let source: Source
    private let follow: Bool
    private let counter: Counter
    private var fd: Int32
    private var offset: Int64 = 0
    private var seenCuts = 0
    private var buffer = [UInt8](repeating: 0, count: LogReader.chunkSize)

    /// Opens the log and finds where to start: its beginning, or the start of
    /// its last `tailLines` lines.
    init(source: Source, tailLines: Int?, follow: Bool, counter: Counter) throws {
        self.source = source
        self.follow = follow
        self.counter = counter
        fd = open(source.file.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw OpenError.missing }
            throw APIError(status: 500, code: "InternalError", message: "cannot open \(source.file.path): \(String(cString: strerror(errno)))")
        }
        counter.add(1)
        let fd = self.fd
        (offset, seenCuts) = source.cuts.reading { cuts in
            (tailLines.map { Self.startOfLastLines($0, fd: fd) } ?? 0, cuts)
        }
    }

    deinit { close() }

    /// Closes the file; `next` then ends. Safe to call twice.
    func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
        counter.add(-1)
    }

    /// The next chunk, or nil at the end: the log's end without `follow`; with
    /// it, once the instance has ended and every byte is read. Throws
    /// `CancellationError` when the task is cancelled (the client went away).
    func next() async throws -> [UInt8]? {
        while fd >= 0 {
            try Task.checkCancellation()
            // Asked before reading: an empty read after the instance ended means the log is drained.
            let ended = source.hasEnded()
            let count = source.cuts.reading { cuts -> Int in
                var status = stat()
                // Cut back (by us: the count; by anyone: the size) → its new content starts at 0.
                if cuts != seenCuts || (fstat(fd, &status) == 0 && Int64(status.st_size) < offset) {
                    seenCuts = cuts
                    offset = 0
                }
                return buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
            }
            if count > 0 {
                offset += Int64(count)
                return Array(buffer[0..<count])
            }
            if count < 0 && errno != EINTR {
                throw APIError(status: 500, code: "InternalError", message: "reading \(source.file.path): \(String(cString: strerror(errno)))")
            }
            if count == 0 && (!follow || ended) { return nil }
            try await Task.sleep(for: Self.pollInterval)
        }
        return nil
    }

    /// Where the last `lines` lines of the file start, reading back from its
    /// end a chunk at a time. A final line without a newline counts as a line.
    static func startOfLastLines(_ lines: Int, fd: Int32) -> Int64 {
        var status = stat()
        guard fstat(fd, &status) == 0 else { return 0 }
        let size = Int64(status.st_size)
        if lines == 0 { return size }
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var position = size
        var newlines = 0
        var first = true
        while position > 0 {
            let length = Int(min(Int64(chunkSize), position))
            position -= Int64(length)
            let read = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, length, off_t(position)) }
            guard read == length else { return 0 }
            var index = length - 1
            // The newline that ends the last line starts no line of its own.
            if first, chunk[index] == UInt8(ascii: "\n") { index -= 1 }
            first = false
            while index >= 0 {
                if chunk[index] == UInt8(ascii: "\n") {
                    newlines += 1
                    if newlines == lines { return position + Int64(index) + 1 }
                }
                index -= 1
            }
        }
        return 0
    }
}
