import Foundation
import XCTest
@testable import TerminalEmulator

/// OSC 52: the emulator reports clipboard requests and prints none of them.
final class ClipboardTests: XCTestCase {
    private func requests(_ h: Harness) -> () -> [ClipboardRequest] {
        var seen: [ClipboardRequest] = []
        h.terminal.onClipboard = { seen.append($0) }
        return { seen }
    }

    private func b64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    func testSetWithBELAndST() {
        let h = Harness()
        let seen = requests(h)
        h.feed("a\(esc)]52;c;\(b64("héllo"))\u{7}b\(esc)]52;;\(b64("two"))\(esc)\\c")
        XCTAssertEqual(seen(), [.set(selections: "c", text: "héllo"), .set(selections: "", text: "two")])
        XCTAssertEqual(h.lines[0], "abc", "the sequence prints nothing")
        XCTAssertEqual(h.terminal.title, "", "a clipboard write is not a title")
    }

    func testSplitAcrossFeedsByteByByte() {
        let h = Harness()
        let seen = requests(h)
        for byte in Array("\(esc)]52;c;\(b64("split me"))\u{7}x".utf8) { h.terminal.feed([byte]) }
        XCTAssertEqual(seen(), [.set(selections: "c", text: "split me")])
        XCTAssertEqual(h.lines[0], "x")
    }

    func testQueryIsReportedNotAnswered() {
        let h = Harness()
        let seen = requests(h)
        var replies: [UInt8] = []
        h.terminal.send = { replies += $0 }
        h.feed("\(esc)]52;c;?\u{7}")
        XCTAssertEqual(seen(), [.query(selections: "c")])
        XCTAssertEqual(replies, [], "the clipboard is never read back to the program")
    }

    func testMalformedAndUnpadded() {
        let h = Harness()
        let seen = requests(h)
        h.feed("\(esc)]52;c;not*base64!\u{7}\(esc)]52;c;YWI\u{7}")   // "ab" without its padding
        XCTAssertEqual(seen(), [.malformed(selections: "c"), .set(selections: "c", text: "ab")])
    }

    func testLargestAllowedPassesAndLongerIsTooLongNotCut() {
        let h = Harness()
        let seen = requests(h)
        let largest = String(repeating: "x", count: ClipboardRequest.textLimit)
        h.feed("\(esc)]52;c;\(b64(largest))\u{7}")
        h.feed("\(esc)]52;c;\(b64(largest + "yyyy"))\u{7}after")
        XCTAssertEqual(seen().count, 2)
        XCTAssertEqual(seen().first, .set(selections: "c", text: largest))
        XCTAssertEqual(seen().last, .tooLong(selections: "c"))
        XCTAssertEqual(h.lines[0], "after", "libvterm survives a long OSC and prints what follows")
        // Far past the scanner's buffer: still one tooLong, nothing set.
        h.feed("\(esc)]52;c;" + String(repeating: "QUFB", count: 200_000) + "\u{7}")
        XCTAssertEqual(seen().last, .tooLong(selections: "c"))
        XCTAssertEqual(seen().count, 3)
    }

    func testCancelledClipboardWriteSetsNothing() {
        let h = Harness()
        let seen = requests(h)
        h.feed("\(esc)]52;c;\(b64("no"))\u{18}ok")
        XCTAssertEqual(seen(), [])
        XCTAssertEqual(h.lines[0], "ok")
    }
}
