import Foundation

/// Remembers the `x-acs-signature-nonce` of every signed request for as long
/// as its date would still be accepted, so a captured request cannot be sent
/// twice.
///
/// `@unchecked Sendable`: `expiry`, its only mutable state, is read and
/// written only while `lock` is held.
final class NonceCache: @unchecked Sendable {
    private let lifetime: TimeInterval
    private let capacity: Int
    private let lock = NSLock()
    private var expiry: [String: Date] = [:]

    init(lifetime: TimeInterval, capacity: Int = 200_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// Records `nonce`; false when it was seen within the lifetime (a replay).
    func insert(_ nonce: String, now: Date = Date()) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if let until = expiry[nonce], until > now { return false }
        if expiry.count >= capacity { expiry = expiry.filter { $0.value > now } }
        if expiry.count >= capacity {
            // Still full of live nonces: drop the oldest half rather than grow
            // without bound; their dates expire within the lifetime anyway.
            let kept = expiry.sorted { $0.value > $1.value }.prefix(capacity / 2)
            expiry = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) })
        }
        expiry[nonce] = now.addingTimeInterval(lifetime)
        return true
    }
}
