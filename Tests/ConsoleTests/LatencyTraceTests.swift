@testable import Console
import XCTest

/// The latency trace (PORTHOLE_TRACE_LATENCY) writes one line per stage of a
/// keystroke, in order, with the keystroke's number, and only for the pane typed in.
final class LatencyTraceTests: XCTestCase {
    func testStagesOfAKeystrokeAreWrittenInOrder() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("latency-trace-\(getpid())-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let trace = try XCTUnwrap(LatencyTrace(path: path))
            trace.received(pane: 1)            // output before any key: not an echo
            trace.polling()
            trace.polled()
            trace.key(pane: 1)
            trace.received(pane: 2)            // another pane's output (a flood)
            trace.received(pane: 1)            // the echo, back before the UI thread noted the send
            trace.sent(pane: 1)
            trace.received(pane: 1)            // more output: the echo arrived already
            trace.fed(pane: 2)
            trace.fed(pane: 1)
            trace.frameStarted()
            trace.frameDrawn(pending: 7)
            trace.frameStarted()               // a later frame has nothing of it
            trace.frameDrawn(pending: 0)
            trace.key(pane: 3)
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, LatencyTrace.header)
        let events = lines.dropFirst().map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(events.map { $0.dropFirst().prefix(3).joined(separator: " ") }, [
            "key 1 1", "received 1 1", "sent 1 1", "fed 1 1", "frame 1 1", "drawn 1 1", "key 3 2",
        ])
        XCTAssertEqual(events[5].last, "outq=7")
        XCTAssertEqual(events[0].count, 6, "a key line says how long the loop worked and polled before it")
        XCTAssertEqual(events[0][4], "work=0", "no poll before the first: no work measured")
        XCTAssertNotNil(Int(events[0][5].dropFirst("poll=".count)))
        let times = try events.map { try XCTUnwrap(UInt64($0[0])) }
        XCTAssertEqual(times, times.sorted(), "timestamps are monotonic")
    }

    func testAnUnwritableFileLeavesTracingOff() {
        XCTAssertNil(LatencyTrace(path: "/nonexistent-dir-\(getpid())/trace"))
    }
}
