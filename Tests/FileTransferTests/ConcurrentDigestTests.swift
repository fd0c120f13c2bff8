import Crypto
@testable import FileTransfer
import XCTest

/// The off-thread SHA-256 equals the plain one, whatever the chunk sizes
/// (through many wrap-arounds of a small ring, and with waits on a full one).
final class ConcurrentDigestTests: XCTestCase {
    func testMatchesSHA256AcrossChunkSizesAndWrapArounds() {
        var generator = SystemRandomNumberGenerator()
        let data = (0..<(3 << 20) + 12_345).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let want = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        // A 64 KiB ring, so the 3 MiB wrap around it and the producer waits for the thread.
        let digest = ConcurrentDigest(batch: 16 << 10, capacity: 64 << 10)
        var offset = 0
        let sizes = [1, 7, 4096, 65_536, 100_000, 3, 65_535, 200_000]
        var index = 0
        while offset < data.count {
            let count = min(sizes[index % sizes.count], data.count - offset)
            digest.add(Array(data[offset..<(offset + count)]))
            offset += count
            index += 1
        }
        XCTAssertEqual(digest.finish(), want)
        XCTAssertEqual(ConcurrentDigest().finish(), ConcurrentDigest.emptySHA256)
    }

    func testCancelEndsAWaitingProducer() {
        let digest = ConcurrentDigest(batch: 1 << 10, capacity: 4 << 10)
        digest.cancel()
        // After cancel nothing blocks, however much is added.
        digest.add([UInt8](repeating: 7, count: 1 << 20))
    }
}
