import XCTest
@testable import TerminalEmulator

final class ScrollbackTests: XCTestCase {
    func testOutputFillsScrollback() {
        let h = Harness(cols: 10, rows: 3)
        for i in 1...7 { h.feed("l\(i)\r\n") }
        // Screen shows l6, l7 and the empty line under the cursor.
        XCTAssertEqual(h.lines, ["l6", "l7", ""])
        XCTAssertEqual(h.terminal.scrollbackCount, 5)
        XCTAssertEqual(h.terminal.scrollbackText(0), "l5", "0 is the most recent")
        XCTAssertEqual(h.terminal.scrollbackText(4), "l1")
    }

    func testScrollbackKeepsColoursAndTrimsBlanks() {
        let h = Harness(cols: 10, rows: 1)
        h.feed("\(csi)31mred\(csi)0m\r\n")
        let line = h.terminal.scrollbackLine(0)
        XCTAssertEqual(line.count, 3, "trailing blanks are not stored")
        XCTAssertEqual(line.map(\.text).joined(), "red")
        XCTAssertEqual(line[0].foreground, .indexed(1))
    }

    func testScrollbackKeepsWideCharacters() {
        let h = Harness(cols: 10, rows: 1)
        h.feed("中a\r\n")
        let line = h.terminal.scrollbackLine(0)
        XCTAssertEqual(line.map(\.width), [2, 0, 1])
        XCTAssertEqual(h.terminal.scrollbackText(0), "中a")
    }

    func testLimitDropsOldestLines() {
        let h = Harness(cols: 10, rows: 2, scrollbackLimit: 3)
        for i in 1...10 { h.feed("l\(i)\r\n") }
        XCTAssertEqual(h.terminal.scrollbackCount, 3)
        XCTAssertEqual((0..<3).map { h.terminal.scrollbackText($0) }, ["l9", "l8", "l7"])
        h.terminal.scrollbackLimit = 2
        XCTAssertEqual((0..<2).map { h.terminal.scrollbackText($0) }, ["l9", "l8"])
        h.terminal.scrollbackLimit = 5
        h.feed("l11\r\n")
        XCTAssertEqual((0..<3).map { h.terminal.scrollbackText($0) }, ["l10", "l9", "l8"])
    }

    func testZeroLimitKeepsNothing() {
        let h = Harness(cols: 10, rows: 2, scrollbackLimit: 0)
        for i in 1...5 { h.feed("l\(i)\r\n") }
        XCTAssertEqual(h.terminal.scrollbackCount, 0)
        XCTAssertEqual(h.lines, ["l5", ""])
    }

    func testDefaultLimitIsTenThousand() {
        let t = Terminal(cols: 10, rows: 2)
        XCTAssertEqual(t.scrollbackLimit, 10_000)
        t.feed(String(repeating: "x\r\n", count: 10_050))
        XCTAssertEqual(t.scrollbackCount, 10_000)
    }

    func testShrinkingPushesLinesAndGrowingPullsThemBack() {
        let h = Harness(cols: 10, rows: 5)
        h.feed("a\r\nb\r\nc\r\nd\r\ne")
        XCTAssertCursor(h, 4, 1)
        h.terminal.resize(cols: 10, rows: 3)
        XCTAssertEqual(h.lines, ["c", "d", "e"])
        XCTAssertEqual(h.terminal.scrollbackCount, 2)
        XCTAssertEqual(h.terminal.scrollbackText(0), "b")
        XCTAssertCursor(h, 2, 1)
        h.terminal.resize(cols: 10, rows: 6)
        XCTAssertEqual(h.lines, ["a", "b", "c", "d", "e", ""])
        XCTAssertEqual(h.terminal.scrollbackCount, 0)
        XCTAssertCursor(h, 4, 1)
    }

    func testShrinkingKeepsBlankRowsBelowCursorOutOfScrollback() {
        let h = Harness(cols: 10, rows: 5)
        h.feed("a\r\nb")
        h.terminal.resize(cols: 10, rows: 3)
        XCTAssertEqual(h.lines, ["a", "b", ""])
        XCTAssertEqual(h.terminal.scrollbackCount, 0)
    }

    func testLinesSurviveWidthChanges() {
        let h = Harness(cols: 10, rows: 2)
        h.feed("0123456789\r\nabc\r\n")
        XCTAssertEqual(h.terminal.scrollbackText(0), "0123456789")
        h.terminal.resize(cols: 4, rows: 2)
        XCTAssertEqual(h.terminal.scrollbackText(0), "0123456789", "stored at the width it had")
        h.terminal.resize(cols: 12, rows: 4)
        XCTAssertEqual(h.lines[0], "0123456789", "pulled back after narrowing and widening")
        XCTAssertEqual(h.lines[1], "abc")
    }

    func testScrollbackReadableWhileOutputContinues() {
        let h = Harness(cols: 10, rows: 2)
        h.feed("one\r\ntwo\r\n")
        let first = h.terminal.scrollbackLine(0)
        h.feed("three\r\nfour\r\n")
        XCTAssertEqual(first.map(\.text).joined(), "one", "a line read stays valid")
        XCTAssertEqual(h.terminal.scrollbackText(0), "three")
    }

    func testEraseScrollbackSequence() {
        let h = Harness(cols: 10, rows: 2)
        for i in 1...5 { h.feed("l\(i)\r\n") }
        XCTAssertGreaterThan(h.terminal.scrollbackCount, 0)
        h.feed("\(csi)H\(csi)2J\(csi)3J")       // what `clear` sends
        XCTAssertEqual(h.terminal.scrollbackCount, 0)
    }

    /// The text of line `number` as `linesScrolledOff` numbers lines; nil once it has been dropped.
    private func line(_ number: Int, of terminal: Terminal) -> String? {
        let scrolledOff = terminal.linesScrolledOff
        guard number >= scrolledOff - terminal.scrollbackCount else { return nil }
        return number < scrolledOff ? terminal.scrollbackText(scrolledOff - 1 - number) : terminal.text(row: number - scrolledOff)
    }

    func testLineNumbersStayOnTheirTextAsAFullScrollbackDropsLines() {
        let h = Harness(cols: 10, rows: 2, scrollbackLimit: 3)
        for i in 1...4 { h.feed("l\(i)\r\n") }
        XCTAssertEqual(h.terminal.linesScrolledOff, 3, "l1 to l3 went to scrollback")
        let l2 = 1, l4 = 3
        XCTAssertEqual(line(l2, of: h.terminal), "l2")
        XCTAssertEqual(line(l4, of: h.terminal), "l4", "a live row has its number too")
        for i in 5...9 { h.feed("l\(i)\r\n") }
        XCTAssertEqual(h.terminal.scrollbackCount, 3, "full: the oldest lines dropped out")
        XCTAssertEqual(h.terminal.linesScrolledOff, 8, "counts on past the limit")
        XCTAssertNil(line(l2, of: h.terminal), "l2 is gone and its number names no other line")
        XCTAssertEqual(line(5, of: h.terminal), "l6")
        XCTAssertEqual(line(8, of: h.terminal), "l9")
        // Through the fast path too: many lines in one feed.
        h.feed((10...30).map { "l\($0)\r\n" }.joined())
        XCTAssertEqual(h.terminal.linesScrolledOff, 29)
        XCTAssertEqual(line(27, of: h.terminal), "l28")
        XCTAssertEqual(line(29, of: h.terminal), "l30")
        XCTAssertNil(line(25, of: h.terminal))
    }

    func testLineNumbersSurviveResizeEraseAndAZeroLimit() {
        let h = Harness(cols: 10, rows: 5)
        h.feed("a\r\nb\r\nc\r\nd\r\ne")
        h.terminal.resize(cols: 10, rows: 3)
        XCTAssertEqual(h.terminal.linesScrolledOff, 2)
        XCTAssertEqual((0...4).map { line($0, of: h.terminal) }, ["a", "b", "c", "d", "e"])
        h.terminal.resize(cols: 10, rows: 6)
        XCTAssertEqual(h.terminal.linesScrolledOff, 0, "lines taken back onto the screen keep their numbers")
        XCTAssertEqual((0...4).map { line($0, of: h.terminal) }, ["a", "b", "c", "d", "e"])
        h.feed("\r\nf\r\ng\r\n")
        XCTAssertEqual(line(1, of: h.terminal), "b")
        h.feed("\(csi)3J")       // erase scrollback: its lines are gone, the screen's keep their numbers
        XCTAssertNil(line(1, of: h.terminal))
        XCTAssertEqual(line(6, of: h.terminal), "g")

        let none = Harness(cols: 10, rows: 2, scrollbackLimit: 0)
        for i in 1...5 { none.feed("l\(i)\r\n") }
        XCTAssertEqual(none.terminal.linesScrolledOff, 4, "lines kept nowhere still count")
        XCTAssertEqual(line(4, of: none.terminal), "l5")
        XCTAssertNil(line(3, of: none.terminal))
    }

    func testOutOfRangeReadsAreEmpty() {
        let h = Harness(cols: 10, rows: 2)
        XCTAssertEqual(h.terminal.scrollbackLine(0), [])
        XCTAssertEqual(h.terminal.scrollbackLine(-1), [])
        XCTAssertEqual(h.terminal.cell(row: 99, col: 0), .blank)
        XCTAssertEqual(h.terminal.text(row: -1), "")
    }
}
