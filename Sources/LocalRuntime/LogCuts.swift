import Foundation

/// Orders the cutting of a live log (`LocalPlatform.truncateLongLogs`) against
/// the readers that follow it: a reader reads under the same lock and sees the
/// count of cuts change, so it starts over from the note the cut wrote instead
/// of reading the new content at its old offset (or missing the note).
///
/// `@unchecked Sendable`: `count` is read and written only while `lock` is held.
final class LogCuts: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    /// Runs `cut` (truncate and write the note) as one step for readers.
    func cut(_ cut: () -> Void) {
        lock.lock()
        defer { lock.unlock() }
        cut()
        count += 1
    }

    /// Runs `read` with the number of cuts so far; no cut happens meanwhile.
    func reading<T>(_ read: (Int) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try read(count)
    }
}
