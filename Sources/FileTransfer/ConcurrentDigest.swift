import Crypto
import Foundation

/// A SHA-256 computed on a thread of its own, so the thread that receives
/// (or sends) the bytes does not also hash them: the hash runs beside the
/// copy instead of in its path. Bytes are copied into a ring the thread owns
/// (a memcpy costs a tenth of the hash; keeping the callers' arrays alive
/// instead made the allocator hand back and fault in fresh pages), and the
/// thread is woken once per `batch` bytes, not per chunk. When the ring is
/// full `add` waits for the thread, so a slow hash slows the copy down
/// instead of filling memory.
final class ConcurrentDigest: @unchecked Sendable {
    /// The SHA-256 of no bytes.
    static let emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    private let condition = NSCondition()
    private let ring: UnsafeMutableRawBufferPointer
    /// Bytes ever added and ever hashed; the ring holds `added - hashed` of them.
    private var added = 0
    private var hashed = 0
    private var closed = false
    private var cancelled = false
    private var hasherIdle = false
    private var producerBlocked = false
    private var hex: String?
    private let batch: Int

    init(batch: Int = 256 << 10, capacity: Int = 2 << 20) {
        self.batch = min(batch, capacity)
        ring = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 64)
        let thread = Thread { [self] in self.run() }
        thread.name = "porthole sha256"
        thread.start()
    }

    deinit { ring.deallocate() }

    /// Copies `bytes` in for hashing; waits while the ring is full.
    func add(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        condition.lock()
        defer { condition.unlock() }
        while offset < bytes.count {
            while added - hashed == ring.count && !closed {
                producerBlocked = true
                condition.wait()
            }
            producerBlocked = false
            guard !closed else { return }
            // Only [added, hashed + capacity) is free; the thread reads the rest, so copy outside the lock.
            let start = added % ring.count
            let count = min(bytes.count - offset, ring.count - start, ring.count - (added - hashed))
            condition.unlock()
            (ring.baseAddress! + start).copyMemory(from: bytes.baseAddress! + offset, byteCount: count)
            condition.lock()
            added += count
            offset += count
            if hasherIdle && added - hashed >= batch { condition.broadcast() }
        }
    }

    func add(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { add($0) }
    }

    /// Waits for every byte added to be hashed; returns the digest in lower-case hex.
    func finish() -> String {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        condition.broadcast()
        while hex == nil { condition.wait() }
        return hex ?? ""
    }

    /// Ends the thread without hashing what is still waiting (a failed copy).
    func cancel() {
        condition.lock()
        closed = true
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    private func run() {
        var hasher = SHA256()
        condition.lock()
        while true {
            while added - hashed < batch && !closed {
                hasherIdle = true
                condition.wait()
            }
            hasherIdle = false
            if cancelled || (closed && added == hashed) { break }
            // Hash up to the ring's end or what was added, without the lock: the producer writes elsewhere.
            let start = hashed % ring.count
            let count = min(added - hashed, ring.count - start)
            condition.unlock()
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: ring[start..<(start + count)]))
            condition.lock()
            hashed += count
            if producerBlocked { condition.broadcast() }
        }
        condition.unlock()
        let digest = hasher.finalize().map { String($0, radix: 16).leftPadded(2) }.joined()
        condition.lock()
        hex = digest
        condition.broadcast()
        condition.unlock()
    }
}
