import XCTest
@testable import TerminalEmulator

final class CursorTests: XCTestCase {
    func testTextAdvancesCursorAndWraps() {
        let h = Harness(cols: 10, rows: 3)
        h.feed("hello")
        XCTAssertCursor(h, 0, 5)
        XCTAssertEqual(h.lines[0], "hello")
        h.feed("world!")            // 11 chars on a 10-column line: wraps
        XCTAssertEqual(h.lines[0], "helloworld")
        XCTAssertEqual(h.lines[1], "!")
        XCTAssertCursor(h, 1, 1)
    }

    func testPendingWrapStaysOnLastColumn() {
        let h = Harness(cols: 5, rows: 3)
        h.feed("abcde")
        XCTAssertCursor(h, 0, 4)     // phantom column: no wrap until the next glyph
        h.feed("\r\n")
        XCTAssertCursor(h, 1, 0)
        XCTAssertEqual(h.lines[1], "")
    }

    func testControlCharacters() {
        let h = Harness(cols: 20, rows: 3)
        h.feed("abc\u{8}\u{8}X")   // BS BS
        XCTAssertEqual(h.lines[0], "aXc")
        h.feed("\r")
        XCTAssertCursor(h, 0, 0)
        h.feed("\t")
        XCTAssertCursor(h, 0, 8)
        h.feed("\n")                // LF keeps the column (no newline mode)
        XCTAssertCursor(h, 1, 8)
    }

    func testCursorMovementSequences() {
        let h = Harness(cols: 20, rows: 10)
        h.feed("\(csi)5;7H")       // CUP is 1-based
        XCTAssertCursor(h, 4, 6)
        h.feed("\(csi)2A")
        XCTAssertCursor(h, 2, 6)
        h.feed("\(csi)3B")
        XCTAssertCursor(h, 5, 6)
        h.feed("\(csi)4C")
        XCTAssertCursor(h, 5, 10)
        h.feed("\(csi)D")
        XCTAssertCursor(h, 5, 9)
        h.feed("\(csi)3G")         // CHA
        XCTAssertCursor(h, 5, 2)
        h.feed("\(csi)8d")         // VPA
        XCTAssertCursor(h, 7, 2)
        h.feed("\(csi)H")
        XCTAssertCursor(h, 0, 0)
    }

    func testCursorMovementClipsToScreen() {
        let h = Harness(cols: 20, rows: 10)
        h.feed("\(csi)99;99H")
        XCTAssertCursor(h, 9, 19)
        h.feed("\(csi)50A")
        XCTAssertCursor(h, 0, 19)
        h.feed("\(csi)50D")
        XCTAssertCursor(h, 0, 0)
        h.feed("\(csi)50B\(csi)50C")
        XCTAssertCursor(h, 9, 19)
        h.feed("\(csi)0;0H")        // zero means one
        XCTAssertCursor(h, 0, 0)
    }

    func testSaveAndRestoreCursor() {
        let h = Harness(cols: 20, rows: 10)
        h.feed("\(csi)3;4H\(esc)7\(csi)8;9H")
        XCTAssertCursor(h, 7, 8)
        h.feed("\(esc)8")
        XCTAssertCursor(h, 2, 3)
    }

    func testCursorVisibilityShapeAndBlink() {
        let h = Harness()
        XCTAssertTrue(h.terminal.cursor.visible)
        XCTAssertEqual(h.terminal.cursor.shape, .block)
        h.feed("\(csi)?25l")
        XCTAssertFalse(h.terminal.cursor.visible)
        h.feed("\(csi)?25h")
        XCTAssertTrue(h.terminal.cursor.visible)
        h.feed("\(csi)4 q")          // DECSCUSR 4: steady underline
        XCTAssertEqual(h.terminal.cursor.shape, .underline)
        XCTAssertFalse(h.terminal.cursor.blinking)
        h.feed("\(csi)5 q")          // blinking bar
        XCTAssertEqual(h.terminal.cursor.shape, .bar)
        XCTAssertTrue(h.terminal.cursor.blinking)
        h.feed("\(csi)2 q")
        XCTAssertEqual(h.terminal.cursor.shape, .block)
    }
}
