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

    func testOutOfRangeReadsAreEmpty() {
        let h = Harness(cols: 10, rows: 2)
        XCTAssertEqual(h.terminal.scrollbackLine(0), [])
        XCTAssertEqual(h.terminal.scrollbackLine(-1), [])
        XCTAssertEqual(h.terminal.cell(row: 99, col: 0), .blank)
        XCTAssertEqual(h.terminal.text(row: -1), "")
    }
}
