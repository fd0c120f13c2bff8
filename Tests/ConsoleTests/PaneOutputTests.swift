@testable import Console
import XCTest

/// The buffer between a pane's session and the UI thread stays bounded: past
/// the high-water mark the session is told to stop receiving, below the low
/// one to start again, and no byte is lost or reordered meanwhile.
final class PaneOutputTests: XCTestCase {
    func testFloodStopsAndResumesTheSessionWithoutLosingBytes() {
        let output = PaneOutput()
        var calls: [Bool] = []
        output.setFlowControl { calls.append($0) }
        var sent: [UInt8] = []
        var chunk = 0
        while output.count < PaneOutput.highWater {
            let bytes = (0..<65_536).map { UInt8(truncatingIfNeeded: $0 &+ chunk) }
            sent += bytes
            _ = output.append(bytes)
            chunk += 1
        }
        XCTAssertEqual(calls, [false], "receiving stops at the high-water mark")
        _ = output.append([1, 2, 3])    // what was in flight still lands
        sent += [1, 2, 3]
        XCTAssertEqual(calls, [false])
        var received: [UInt8] = []
        while true {
            let (bytes, more) = output.take(upTo: 128 * 1024)
            received += bytes
            if output.count >= PaneOutput.lowWater { XCTAssertEqual(calls, [false]) }
            if !more { break }
        }
        XCTAssertEqual(calls, [false, true], "receiving resumes below the low-water mark")
        XCTAssertEqual(received, sent)
        XCTAssertEqual(output.count, 0)
    }

    func testFirstAppendToAnEmptyBufferAsksForAPass() {
        let output = PaneOutput()
        XCTAssertTrue(output.append([1]))
        XCTAssertFalse(output.append([2]))
        XCTAssertEqual(output.take(upTo: 1).bytes, [1])
        XCTAssertEqual(output.take(upTo: 10).bytes, [2])
        XCTAssertTrue(output.append([3]))
    }
}
