import Crypto
import Foundation

/// A SHA-256 computed on a thread of its own from the chunks handed to it,
/// so the thread that receives (or sends) the bytes does not also hash them:
/// the hash runs beside the copy instead of in its path. Chunks are kept,
/// not copied (an `ArraySlice` shares its array's storage), and the thread
/// is woken once per `batch` bytes, not per chunk, so the hand-over costs a
/// few hundred context switches per GiB. At most `limit` bytes wait; past
/// that `add` blocks until the thread catches up, so a slow hash slows the
/// copy down instead of filling memory.
final class ConcurrentDigest: @unchecked Sendable {
    /// The SHA-256 of no bytes.
    static let emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    private let condition = NSCondition()
    private var waiting: [ArraySlice<UInt8>] = []
    private var waitingBytes = 0
    private var closed = false
    private var hasherIdle = false
    private var producerBlocked = false
    private var hex: String?
    private let batch: Int
    private let limit: Int

    init(batch: Int = 256 << 10, limit: Int = 2 << 20) {
        self.batch = batch
        self.limit = max(limit, batch)
        let thread = Thread { [self] in self.run() }
        thread.name = "porthole sha256"
        thread.start()
    }

    /// Hands `chunk` to the hashing thread; blocks while `limit` bytes already wait.
    func add(_ chunk: ArraySlice<UInt8>) {
        guard !chunk.isEmpty else { return }
        condition.lock()
        defer { condition.unlock() }
        while waitingBytes >= limit && !closed {
            producerBlocked = true
            condition.wait()
        }
        producerBlocked = false
        guard !closed else { return }
        waiting.append(chunk)
        waitingBytes += chunk.count
        if hasherIdle && waitingBytes >= batch { condition.broadcast() }
    }

    /// Waits for every chunk handed over to be hashed; returns the digest in lower-case hex.
    func finish() -> String {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        condition.broadcast()
        while hex == nil { condition.wait() }
        return hex ?? ""
    }

    /// Ends the thread without hashing the chunks still waiting (a failed copy).
    func cancel() {
        condition.lock()
        closed = true
        waiting.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    private func run() {
        var hasher = SHA256()
        while true {
            condition.lock()
            while waitingBytes < batch && !closed {
                hasherIdle = true
                condition.wait()
            }
            hasherIdle = false
            // The whole queue at once: one lock round per batch, not per chunk.
            let taken = waiting
            waiting.removeAll(keepingCapacity: true)
            let done = closed && taken.isEmpty
            condition.unlock()
            if done { break }
            var hashed = 0
            for chunk in taken {
                chunk.withUnsafeBytes { hasher.update(bufferPointer: $0) }
                hashed += chunk.count
            }
            condition.lock()
            waitingBytes -= hashed
            if producerBlocked { condition.broadcast() }
            condition.unlock()
        }
        let digest = hasher.finalize().map { String($0, radix: 16).leftPadded(2) }.joined()
        condition.lock()
        hex = digest
        condition.broadcast()
        condition.unlock()
    }
}
