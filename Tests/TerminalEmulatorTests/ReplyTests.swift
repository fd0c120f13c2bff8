import XCTest
@testable import TerminalEmulator

/// Bytes the terminal answers with go through `send`, whole.
final class ReplyTests: XCTestCase {
    func testCursorPositionReport() {
        let h = Harness(cols: 20, rows: 10)
        h.feed("\(csi)5;12H\(csi)6n")
        XCTAssertEqual(h.takeSentString(), "\(csi)5;12R")
    }

    func testDeviceAttributes() {
        let h = Harness()
        h.feed("\(csi)c")
        let primary = h.takeSentString()
        XCTAssertTrue(primary.hasPrefix("\(csi)?"), printable(Array(primary.utf8)))
        XCTAssertTrue(primary.hasSuffix("c"))
        h.feed("\(csi)>c")
        let secondary = h.takeSentString()
        XCTAssertTrue(secondary.hasPrefix("\(csi)>"), printable(Array(secondary.utf8)))
    }

    func testStatusReport() {
        let h = Harness()
        h.feed("\(csi)5n")
        XCTAssertEqual(h.takeSentString(), "\(csi)0n")
    }

    func testStatusStringRequests() {
        let h = Harness(cols: 20, rows: 10)
        h.feed("\(csi)1;31m\(esc)P$qm\(esc)\\")
        XCTAssertEqual(h.takeSentString(), "\(esc)P1$r1;31m\(esc)\\")
        h.feed("\(csi)2;8r\(esc)P$q")
        h.feed("r\u{7}")                                  // split, BEL-terminated
        XCTAssertEqual(h.takeSentString(), "\(esc)P1$r2;8r\(esc)\\")
        // libvterm 0.1.4 crashes answering requests it does not know (it
        // passes a length where printf wants a string): they get no answer.
        h.feed("\(esc)P$q\"p\(esc)\\\(esc)P$qx\(esc)\\\(esc)P+q544e\(esc)\\ok")
        XCTAssertEqual(h.takeSent(), [])
        XCTAssertEqual(h.lines[0], "ok", "DECSTBM homed the cursor")
    }

    func testManyRepliesInOneFeedAreAllDelivered() {
        // libvterm's fallback buffer is 64 bytes; 200 replies must all arrive.
        let h = Harness(cols: 20, rows: 10)
        h.feed(String(repeating: "\(csi)3;4H\(csi)6n", count: 200))
        XCTAssertEqual(h.takeSentString(), String(repeating: "\(csi)3;4R", count: 200))
    }

    func testSendMayFeedBackIntoTheTerminal() {
        let t = Terminal(cols: 20, rows: 2)
        var calls = 0
        t.send = { bytes in
            calls += 1
            t.feed("got \(bytes.count)")    // re-entering from the callback is allowed
        }
        t.feed("\(csi)6n")
        XCTAssertEqual(calls, 1)
        XCTAssertEqual(t.text(row: 0), "got 6")
    }

    func testNoSendCallbackDropsQuietly() {
        let t = Terminal(cols: 20, rows: 2)
        t.feed("\(csi)6n\(csi)c")
        var got: [UInt8] = []
        t.send = { got += $0 }
        t.feed("\(csi)6n")
        XCTAssertEqual(String(decoding: got, as: UTF8.self), "\(csi)1;1R", "earlier replies were not queued")
    }
}
