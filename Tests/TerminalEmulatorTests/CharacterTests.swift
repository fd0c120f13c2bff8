import XCTest
@testable import TerminalEmulator

final class CharacterTests: XCTestCase {
    func testWideCharacters() {
        let h = Harness(cols: 10, rows: 2)
        h.feed("a中b")
        XCTAssertEqual(h.cell(0, 0).text, "a")
        XCTAssertEqual(h.cell(0, 1).text, "中")
        XCTAssertEqual(h.cell(0, 1).width, 2)
        XCTAssertEqual(h.cell(0, 2).text, "")
        XCTAssertEqual(h.cell(0, 2).width, 0)
        XCTAssertEqual(h.cell(0, 3).text, "b")
        XCTAssertCursor(h, 0, 4)
        XCTAssertEqual(h.lines[0], "a中b")
    }

    func testWideCharacterWrapsWhenItDoesNotFit() {
        let h = Harness(cols: 5, rows: 2)
        h.feed("abcd日")
        XCTAssertEqual(h.lines[0], "abcd")
        XCTAssertEqual(h.cell(1, 0).text, "日")
        XCTAssertEqual(h.cell(1, 0).width, 2)
    }

    func testOverwritingHalfAWideCharacterBlanksIt() {
        let h = Harness(cols: 10, rows: 2)
        h.feed("中文\(csi)1;2Hx")       // write over the right half of 中
        XCTAssertEqual(h.cell(0, 0).text, " ")
        XCTAssertEqual(h.cell(0, 0).width, 1)
        XCTAssertEqual(h.cell(0, 1).text, "x")
        XCTAssertEqual(h.cell(0, 2).text, "文")
        h.feed("\(csi)1;3Hy")            // over the left half of 文
        XCTAssertEqual(h.cell(0, 2).text, "y")
        XCTAssertEqual(h.cell(0, 3).text, " ")
        XCTAssertEqual(h.cell(0, 3).width, 1)
    }

    func testCombiningMarks() {
        let h = Harness(cols: 10, rows: 2)
        h.feed("e\u{301}x")
        XCTAssertEqual(h.cell(0, 0).text, "e\u{301}")
        XCTAssertEqual(h.cell(0, 0).width, 1)
        XCTAssertEqual(h.cell(0, 1).text, "x")
        XCTAssertCursor(h, 0, 2)
        h.feed("a\u{308}\u{323}")          // two marks on one base
        XCTAssertEqual(h.cell(0, 2).text.unicodeScalars.map(\.value), [0x61, 0x308, 0x323])
    }

    func testCombiningMarkSplitAcrossFeeds() {
        let h = Harness(cols: 10, rows: 2)
        h.feed("n")
        h.feed("\u{303}")
        XCTAssertEqual(h.cell(0, 0).text, "n\u{303}")
        XCTAssertCursor(h, 0, 1)
    }

    func testUTF8SplitAcrossFeeds() {
        let h = Harness(cols: 10, rows: 2)
        let bytes = Array("é中".utf8)
        for b in bytes { h.terminal.feed([b]) }
        XCTAssertEqual(h.lines[0], "é中")
    }

    /// curses draws borders by switching G0 to DEC special graphics
    /// (`ESC ( 0`, terminfo smacs) and writing lqkxjm, then `ESC ( B`.
    func testDECLineDrawing() {
        let h = Harness(cols: 10, rows: 4)
        h.feed("\(esc)(0lqqk\r\nx  x\r\nmqqj\(esc)(Bq")
        XCTAssertEqual(h.lines[0], "┌──┐")
        XCTAssertEqual(h.lines[1], "│  │")
        XCTAssertEqual(h.lines[2], "└──┘q")
    }

    func testLineDrawingThroughShiftOut() {
        let h = Harness(cols: 10, rows: 2)
        h.feed("\(esc))0a\u{0E}qn\u{0F}q")   // G1 = graphics, SO selects it, SI back
        XCTAssertEqual(h.lines[0], "a─┼q")
    }
}
