import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a session as asciicast v2 while it runs: the header at once, then one
/// line per event as it happens, so a recording cut short (crash, kill) is still
/// a valid file up to that point. Safe to call from any thread: output arrives
/// on network threads, input and resizes on others.
public final class AsciicastWriter: @unchecked Sendable {
    /// The file being written.
    public let path: String
    /// Whether `input(_:)` records anything; off unless the user asked, since
    /// what is typed includes passwords.
    public let recordsInput: Bool

    private let lock = NSLock()
    private let fd: Int32
    private let clock: @Sendable () -> Double
    private var outputText = UTF8ChunkDecoder()
    private var inputText = UTF8ChunkDecoder()
    private var lastTime = 0.0
    private var closed = false
    private var failure: AsciicastError?

    /// Creates (or truncates) `path` with mode 0600, since a session's output
    /// may hold secrets, and writes the header.
    public convenience init(path: String, header: AsciicastHeader, recordInput: Bool = false) throws {
        let start = ContinuousClock.now
        try self.init(path: path, header: header, recordInput: recordInput, clock: {
            let elapsed = ContinuousClock.now - start
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        })
    }

    /// As above, with the clock that gives seconds since the start (tests pass their own).
    public init(path: String, header: AsciicastHeader, recordInput: Bool, clock: @escaping @Sendable () -> Double) throws {
        self.path = path
        self.recordsInput = recordInput
        self.clock = clock
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw AsciicastError.cannotCreate(path: path, reason: String(cString: strerror(errno)))
        }
        writeLine(header.jsonLine)
        if let failure {
            closed = true
            close(fd)
            throw failure
        }
    }

    deinit {
        if !closed { close(fd) }
    }

    /// The first write error, if any; the file holds everything before it.
    public var error: AsciicastError? {
        lock.lock()
        defer { lock.unlock() }
        return failure
    }

    /// Bytes the terminal showed (stdout, and stderr when there is no tty).
    public func output(_ bytes: [UInt8]) {
        lock.lock()
        defer { lock.unlock() }
        let text = outputText.decode(bytes)
        if !text.isEmpty { append(.output(text)) }
    }

    /// Bytes the user typed; ignored unless the writer records input.
    public func input(_ bytes: [UInt8]) {
        guard recordsInput else { return }
        lock.lock()
        defer { lock.unlock() }
        let text = inputText.decode(bytes)
        if !text.isEmpty { append(.input(text)) }
    }

    /// The terminal's new size.
    public func resize(cols: Int, rows: Int) {
        lock.lock()
        defer { lock.unlock() }
        append(.resize(cols: cols, rows: rows))
    }

    /// A marker with a label (players show markers as chapter points).
    public func marker(_ label: String) {
        lock.lock()
        defer { lock.unlock() }
        append(.marker(label))
    }

    /// Writes what is still held back, the end marker, and closes the file.
    /// Later calls do nothing.
    public func finish(_ end: RecordedEnd) {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        let output = outputText.flush()
        if !output.isEmpty { append(.output(output)) }
        let input = inputText.flush()
        if recordsInput, !input.isEmpty { append(.input(input)) }
        append(.marker(end.markerLabel))
        closed = true
        if fsync(fd) != 0, failure == nil, errno != EINVAL {
            failure = .writeFailed(path: path, reason: String(cString: strerror(errno)))
        }
        close(fd)
    }

    /// Called with the lock held.
    private func append(_ kind: AsciicastEvent.Kind) {
        guard !closed else { return }
        // Never let rounding make time go back.
        lastTime = max(lastTime, clock())
        writeLine(AsciicastEvent(time: lastTime, kind: kind).jsonLine)
    }

    private func writeLine(_ line: String) {
        guard failure == nil else { return }
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                failure = .writeFailed(path: path, reason: String(cString: strerror(errno)))
                return
            }
            offset += written
        }
    }
}
