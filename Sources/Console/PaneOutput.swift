import Foundation

/// Bytes from a pane's exec session waiting for the UI thread. Network threads
/// append; the UI thread takes everything in one go, so a flood of output costs
/// one inbox event per UI pass, not one per packet.
final class PaneOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []

    /// Appends and says whether the buffer was empty (the caller then tells the UI).
    func append(_ chunk: [UInt8]) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let wasEmpty = bytes.isEmpty
        bytes.append(contentsOf: chunk)
        return wasEmpty && !chunk.isEmpty
    }

    /// Takes at most `limit` bytes; `more` says whether some are left for the next pass.
    func take(upTo limit: Int) -> (bytes: [UInt8], more: Bool) {
        lock.lock()
        defer { lock.unlock() }
        guard bytes.count > limit else {
            let taken = bytes
            bytes = []
            return (taken, false)
        }
        let taken = Array(bytes[..<limit])
        bytes.removeFirst(limit)
        return (taken, true)
    }

    func take() -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        let taken = bytes
        bytes = []
        bytes.reserveCapacity(min(taken.count, 1 << 16))
        return taken
    }
}
