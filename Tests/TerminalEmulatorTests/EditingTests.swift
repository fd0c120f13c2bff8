import XCTest
@testable import TerminalEmulator

/// Scroll regions, insert/delete line and character, erase.
final class EditingTests: XCTestCase {
    private func numbered(_ h: Harness) {
        for r in 0..<h.terminal.rows {
            h.feed("\(csi)\(r + 1);1Hline\(r)")
        }
    }

    func testScrollRegionScrollsOnlyInside() {
        let h = Harness(cols: 10, rows: 6)
        numbered(h)
        h.feed("\(csi)2;4r")              // rows 1...3 (0-based)
        XCTAssertCursor(h, 0, 0)          // DECSTBM homes the cursor
        h.feed("\(csi)4;1H\nnew")
        XCTAssertEqual(h.lines, ["line0", "line2", "line3", "new", "line4", "line5"])
        XCTAssertEqual(h.terminal.scrollbackCount, 0, "a region not at the top keeps no history")
    }

    func testReverseIndexScrollsRegionDown() {
        let h = Harness(cols: 10, rows: 5)
        numbered(h)
        h.feed("\(csi)2;4r\(csi)2;1H\(esc)M")   // RI at the region's top
        XCTAssertEqual(h.lines, ["line0", "", "line1", "line2", "line4"])
    }

    func testScrollUpAndDownSequences() {
        let h = Harness(cols: 10, rows: 4)
        numbered(h)
        h.feed("\(csi)2S")
        XCTAssertEqual(h.lines, ["line2", "line3", "", ""])
        h.feed("\(csi)1T")
        XCTAssertEqual(h.lines, ["", "line2", "line3", ""])
    }

    func testInsertAndDeleteLines() {
        let h = Harness(cols: 10, rows: 5)
        numbered(h)
        h.feed("\(csi)2;1H\(csi)2L")
        XCTAssertEqual(h.lines, ["line0", "", "", "line1", "line2"])
        h.feed("\(csi)1M")
        XCTAssertEqual(h.lines, ["line0", "", "line1", "line2", ""])
        h.feed("\(csi)1;1H\(csi)9M")
        XCTAssertEqual(h.lines, ["", "", "", "", ""])
    }

    func testInsertAndDeleteLinesInsideRegion() {
        let h = Harness(cols: 10, rows: 5)
        numbered(h)
        h.feed("\(csi)2;4r\(csi)2;1H\(csi)L")
        XCTAssertEqual(h.lines, ["line0", "", "line1", "line2", "line4"])
        h.feed("\(csi)M\(csi)M")
        XCTAssertEqual(h.lines, ["line0", "line2", "", "", "line4"])
    }

    func testInsertAndDeleteCharacters() {
        let h = Harness(cols: 10, rows: 2)
        h.feed("abcdefghij\(csi)1;3H\(csi)2@")
        XCTAssertEqual(h.lines[0], "ab  cdefgh")
        h.feed("\(csi)3P")
        XCTAssertEqual(h.lines[0], "abdefgh")
        h.feed("\(csi)1;1H\(csi)2X")      // ECH erases without moving
        XCTAssertEqual(h.lines[0], "  defgh")
    }

    func testRepeatLastCharacter() {
        let h = Harness(cols: 10, rows: 2)
        h.feed("ab\(csi)3bc")
        XCTAssertEqual(h.lines[0], "abbbbc")
        h.feed("\(csi)99b")                 // REP stops at the end of the line
        XCTAssertEqual(h.lines[0], "abbbbccccc")
        XCTAssertEqual(h.lines[1], "")
    }

    /// libvterm 0.1 loops forever on REP when its last glyph had width 0:
    /// nothing printed yet, or a combining mark printed on its own.
    func testRepeatWithNothingToRepeatDoesNotHang() {
        let h = Harness(cols: 10, rows: 2)
        h.feed("\(csi)5bx")
        XCTAssertEqual(h.lines[0], "x")
        h.feed("\(csi)2;5H\u{301}\(csi)3")
        h.feed("by")
        XCTAssertEqual(h.cell(1, 4).text, "y", "REP dropped, then y")
        h.feed("\(csi)2b")
        XCTAssertEqual(h.lines[1], "    yyy", "a real glyph repeats again")
    }

    func testInsertModeShiftsText() {
        let h = Harness(cols: 10, rows: 2)
        h.feed("world\r\(csi)4hhello \(csi)4l")
        XCTAssertEqual(h.lines[0], "hello worl")
    }

    func testEraseInLineAndDisplay() {
        let h = Harness(cols: 6, rows: 3)
        h.feed("aaaaaa\r\nbbbbbb\r\ncccccc\(csi)2;3H")
        h.feed("\(csi)K")
        XCTAssertEqual(h.lines, ["aaaaaa", "bb", "cccccc"])
        h.feed("\(csi)1K")
        XCTAssertEqual(h.lines, ["aaaaaa", "", "cccccc"])
        h.feed("\(csi)1J")
        XCTAssertEqual(h.lines, ["", "", "cccccc"])
        h.feed("\(csi)J")
        XCTAssertEqual(h.lines, ["", "", ""])
    }

    func testSelectiveEraseKeepsProtectedCells() {
        let h = Harness(cols: 6, rows: 1)
        h.feed("a\(csi)1\"qbc\(csi)0\"qd\(csi)?2K")     // DECSCA protects b c; DECSEL
        XCTAssertEqual(h.lines[0], " bc")
        h.feed("\(csi)44m\(csi)?2K\(csi)0m\r\n")       // erased with a blue background, then scrolled off
        XCTAssertEqual(h.terminal.scrollbackLine(0).count, 6, "coloured blanks are kept")
        XCTAssertEqual(h.terminal.scrollbackLine(0).last?.background, .indexed(4))
    }

    func testFullResetClearsScreenAndModes() {
        let h = Harness(cols: 6, rows: 2)
        h.feed("\(csi)31mab\(csi)?1h\(esc)c")
        XCTAssertEqual(h.lines, ["", ""])
        XCTAssertCursor(h, 0, 0)
        XCTAssertFalse(h.terminal.modes.applicationCursorKeys)
        h.feed("x")
        XCTAssertEqual(h.cell(0, 0).foreground, .default)
    }
}
