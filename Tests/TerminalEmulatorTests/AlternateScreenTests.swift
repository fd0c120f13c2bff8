import XCTest
@testable import TerminalEmulator

final class AlternateScreenTests: XCTestCase {
    func testEnterAndLeaveKeepsPrimaryScreen() {
        let h = Harness(cols: 10, rows: 3)
        h.feed("$ vim\r\nline2")
        XCTAssertFalse(h.terminal.modes.alternateScreen)
        h.feed("\(csi)?1049h")
        XCTAssertTrue(h.terminal.modes.alternateScreen)
        XCTAssertEqual(h.lines, ["", "", ""], "alternate screen starts blank")
        h.feed("\(csi)Hfull\r\nscreen\r\napp")
        XCTAssertEqual(h.lines, ["full", "screen", "app"])
        h.feed("\(csi)?1049l")
        XCTAssertFalse(h.terminal.modes.alternateScreen)
        XCTAssertEqual(h.lines, ["$ vim", "line2", ""])
        XCTAssertCursor(h, 1, 5)          // 1049 restores the saved cursor
    }

    func testAlternateScreenKeepsNoScrollback() {
        let h = Harness(cols: 10, rows: 2)
        h.feed("\(csi)?1049h")
        for i in 0..<10 { h.feed("alt\(i)\r\n") }
        XCTAssertEqual(h.terminal.scrollbackCount, 0)
        h.feed("\(csi)?1049l")
        for i in 0..<3 { h.feed("p\(i)\r\n") }
        XCTAssertEqual(h.terminal.scrollbackCount, 2)
    }

    func testMode47And1047() {
        let h = Harness(cols: 10, rows: 2)
        h.feed("keep")
        h.feed("\(csi)?47hx")
        XCTAssertTrue(h.terminal.modes.alternateScreen)
        h.feed("\(csi)?47l")
        XCTAssertFalse(h.terminal.modes.alternateScreen)
        XCTAssertEqual(h.lines[0], "keep")
        h.feed("\(csi)?1047hy")
        XCTAssertTrue(h.terminal.modes.alternateScreen)
        h.feed("\(csi)?1047l")
        XCTAssertEqual(h.lines[0], "keep")
    }

    func testResizeWhileOnAlternateScreen() {
        let h = Harness(cols: 10, rows: 4)
        h.feed("a\r\nb\r\nc\r\nd")
        h.feed("\(csi)?1049h\(csi)Hx")
        h.terminal.resize(cols: 8, rows: 2)
        XCTAssertEqual(h.lines, ["x", ""])
        h.feed("\(csi)?1049l")
        XCTAssertEqual(h.lines, ["c", "d"], "the primary keeps its last rows")
        XCTAssertEqual(h.terminal.scrollbackText(0), "b")
    }
}
