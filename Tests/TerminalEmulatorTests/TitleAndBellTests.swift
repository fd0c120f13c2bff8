import XCTest
@testable import TerminalEmulator

final class TitleAndBellTests: XCTestCase {
    func testOSC0And2SetTitle() {
        let h = Harness()
        var titles: [String] = []
        h.terminal.onTitleChange = { titles.append($0) }
        h.feed("\(esc)]0;first\u{7}")
        XCTAssertEqual(h.terminal.title, "first")
        h.feed("\(esc)]2;second\(esc)\\")          // ST terminator
        XCTAssertEqual(h.terminal.title, "second")
        h.feed("\(esc)]1;icon only\u{7}")
        XCTAssertEqual(h.terminal.title, "second")
        h.feed("\(esc)]2;second\u{7}")              // unchanged: no callback
        XCTAssertEqual(titles, ["first", "second"])
        XCTAssertEqual(h.lines[0], "", "titles do not print")
    }

    func testTitleSplitAcrossFeeds() {
        let h = Harness()
        h.feed("before\(esc)]2;user@host: ~/pro")
        XCTAssertEqual(h.terminal.title, "")
        h.feed("jects\u{7}after")
        XCTAssertEqual(h.terminal.title, "user@host: ~/projects")
        XCTAssertEqual(h.lines[0], "beforeafter")
    }

    func testTitleSplitInsideIntroducerAndTerminator() {
        let h = Harness()
        h.feed("\(esc)")
        h.feed("]")
        h.feed("0;ti")
        h.feed("tle\(esc)")
        h.feed("\\x")
        XCTAssertEqual(h.terminal.title, "title")
        XCTAssertEqual(h.lines[0], "x")
    }

    func testTitleByteByByteWithUTF8() {
        let h = Harness()
        for byte in Array("\(esc)]2;héllo 世界\u{7}".utf8) { h.terminal.feed([byte]) }
        XCTAssertEqual(h.terminal.title, "héllo 世界")
    }

    func testCancelledOSCSetsNoTitle() {
        let h = Harness()
        h.feed("\(esc)]2;nope\u{18}ok")            // CAN aborts the string
        XCTAssertEqual(h.terminal.title, "")
        XCTAssertEqual(h.lines[0], "ok")
    }

    func testCallbacksMayFeedTheTerminal() {
        let t = Terminal(cols: 20, rows: 2)
        t.onBell = { t.feed("[bell]") }
        t.onTitleChange = { t.feed("[\($0)]") }
        t.feed("a\u{7}b\(esc)]2;T\u{7}c")
        XCTAssertEqual(t.text(row: 0), "abc[T][bell]", "callbacks run after the feed's own bytes")
        XCTAssertEqual(t.title, "T")
    }

    func testBell() {
        let h = Harness()
        var rung = 0
        h.terminal.onBell = { rung += 1 }
        h.feed("a\u{7}b\u{7}")
        XCTAssertEqual(rung, 2)
        XCTAssertEqual(h.terminal.bellCount, 2)
        XCTAssertEqual(h.lines[0], "ab")
        h.feed("\(esc)]2;t\u{7}")                   // a BEL ending an OSC is not a bell
        XCTAssertEqual(h.terminal.bellCount, 2)
    }
}
