import Foundation

/// Waits for the first stdout line of an upload's script (`PORTHOLE-CP 1
/// ready …` or an error) while the session delivers output on its thread.
final class HeaderLine: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    private var line: [UInt8]?
    private var ended = false
    private var waiter: CheckedContinuation<[UInt8]?, Never>?

    func receive(_ chunk: [UInt8]) {
        lock.lock()
        guard line == nil else { lock.unlock(); return }
        bytes += chunk
        if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
            line = Array(bytes[..<newline])
        } else if bytes.count > 4096 {
            line = bytes
        }
        resume()
    }

    /// The session ended: a waiter gets nil if no line came.
    func end() {
        lock.lock()
        ended = true
        resume()
    }

    /// Called with the lock held; releases it.
    private func resume() {
        let waiter = (line != nil || ended) ? self.waiter : nil
        if waiter != nil { self.waiter = nil }
        let value = line
        lock.unlock()
        waiter?.resume(returning: value)
    }

    /// The first line, or nil when the session ended without one.
    func wait() async -> [UInt8]? {
        await withCheckedContinuation { continuation in
            lock.lock()
            if line != nil || ended {
                let value = line
                lock.unlock()
                continuation.resume(returning: value)
                return
            }
            waiter = continuation
            lock.unlock()
        }
    }

    /// Everything received (for an error message when it was not a header).
    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: bytes, as: UTF8.self)
    }
}
