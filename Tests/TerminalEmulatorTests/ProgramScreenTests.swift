import XCTest
@testable import TerminalEmulator

/// Screens from real programs (fixtures in `ProgramFixtures`).
final class ProgramScreenTests: XCTestCase {
    func testLsColor() {
        let h = Harness(cols: 40, rows: 4)
        h.feed(ProgramFixtures.throughPTY(ProgramFixtures.ls))
        XCTAssertEqual(h.lines, ["README.md  pkg.tar.gz  src", "link       run.sh", "", ""])
        XCTAssertCursor(h, 2, 0)
        // Plain file: default colours.
        XCTAssertEqual(h.cell(0, 0).foreground, .default)
        XCTAssertEqual(h.cell(0, 0).attributes, [])
        // Archive 01;31, directory 01;34, symlink 01;36, executable 01;32.
        for (row, col, colour) in [(0, 11, 1), (0, 23, 4), (1, 0, 6), (1, 11, 2)] {
            let cell = h.cell(row, col)
            XCTAssertEqual(cell.foreground, .indexed(UInt8(colour)), "(\(row),\(col)) \(cell.text)")
            XCTAssertEqual(cell.attributes, [.bold], "(\(row),\(col))")
        }
        XCTAssertEqual(h.cell(0, 21).attributes, [], "the gap after a name is reset")
        XCTAssertEqual(h.cell(0, 21).foreground, .default)
    }

    func testCursesBox() {
        let h = Harness(cols: 30, rows: 8)
        h.feed("line one\r\nline two\r\n$ ")
        // Up to rmkx (`ESC [ ? 1 l`), which starts curses' endwin.
        let (drawing, exit) = split(ProgramFixtures.box, at: "\u{1B}[?1l")

        h.feed(drawing)
        XCTAssertTrue(h.terminal.modes.alternateScreen)
        XCTAssertTrue(h.terminal.modes.applicationCursorKeys, "curses sets DECCKM (smkx)")
        XCTAssertFalse(h.terminal.cursor.visible, "curs_set(0)")
        XCTAssertEqual(Array(h.lines[0...5]), [
            "",
            "  ┌─ porthole ───────┐",
            "  │                  │",
            "  │ hello, box       │",
            "  │                  │",
            "  └──────────────────┘",
        ])
        let title = h.cell(1, 5)
        XCTAssertEqual(title.text, "p")
        XCTAssertEqual(title.attributes, [.bold])
        XCTAssertEqual(title.foreground, .indexed(3))
        XCTAssertEqual(title.background, .indexed(4))
        XCTAssertEqual(h.cell(1, 2).attributes, [], "the border is not bold")
        XCTAssertEqual(h.cell(2, 10).background, .indexed(4), "ECH erases with the window's background")
        XCTAssertEqual(h.cell(6, 29).background, .indexed(0), "the screen was cleared in black")

        h.feed(exit)
        XCTAssertFalse(h.terminal.modes.alternateScreen)
        XCTAssertFalse(h.terminal.modes.applicationCursorKeys)
        XCTAssertEqual(Array(h.lines[0...2]), ["line one", "line two", "$"])
        XCTAssertCursor(h, 2, 0)                    // endwin ends with CR
        XCTAssertTrue(h.terminal.cursor.visible)
        XCTAssertEqual(h.cell(0, 0).background, .default)
    }

    func testLessPagesOnTheAlternateScreen() {
        let h = Harness(cols: 30, rows: 6)
        h.feed("$ less f.txt\r\n")
        let (firstPage, rest) = split(ProgramFixtures.less, at: "\r\u{1B}[Krow 6")

        h.feed(firstPage)
        XCTAssertTrue(h.terminal.modes.alternateScreen)
        XCTAssertEqual(h.lines, ["row 1 of the file", "row 2 of the file", "row 3 of the file",
                                 "row 4 of the file", "row 5 of the file", "/tmp/fx/f.txt"])
        XCTAssertEqual(h.cell(5, 0).attributes, [.reverse], "the prompt is in reverse video")

        let (secondPage, exit) = split(rest, at: "\r\u{1B}[K\u{1B}[?1l")
        h.feed(secondPage)
        XCTAssertEqual(h.lines, ["row 6 of the file", "row 7 of the file", "row 8 of the file",
                                 "row 9 of the file", "row 10 of the file", ":"])
        XCTAssertEqual(h.cell(5, 0).attributes, [])
        XCTAssertEqual(h.terminal.scrollbackCount, 0, "the alternate screen keeps no history")

        h.feed(exit)
        XCTAssertFalse(h.terminal.modes.alternateScreen)
        XCTAssertEqual(h.lines[0], "$ less f.txt")
        XCTAssertCursor(h, 1, 0)
    }

    /// However the bytes are cut, the screen ends the same.
    func testFixturesAreIndependentOfHowTheyAreSplit() {
        for fixture in [ProgramFixtures.box, ProgramFixtures.less, ProgramFixtures.throughPTY(ProgramFixtures.ls)] {
            let whole = Harness(cols: 30, rows: 8)
            whole.feed(String(fixture.dropLast(30)))
            let bytes = Array(String(fixture.dropLast(30)).utf8)
            for step in [1, 3, 7] {
                let pieces = Harness(cols: 30, rows: 8)
                var i = 0
                while i < bytes.count {
                    pieces.terminal.feed(Array(bytes[i..<min(i + step, bytes.count)]))
                    i += step
                }
                XCTAssertEqual(pieces.lines, whole.lines, "pieces of \(step)")
                XCTAssertEqual(pieces.terminal.cursor, whole.terminal.cursor, "pieces of \(step)")
                XCTAssertEqual(pieces.terminal.modes, whole.terminal.modes, "pieces of \(step)")
                for r in 0..<8 {
                    XCTAssertEqual(pieces.terminal.cells(row: r), whole.terminal.cells(row: r), "row \(r), pieces of \(step)")
                }
            }
        }
    }

    private func split(_ text: String, at marker: String) -> (String, String) {
        guard let range = text.range(of: marker) else {
            XCTFail("marker \(printable(Array(marker.utf8))) not in fixture")
            return (text, "")
        }
        return (String(text[..<range.lowerBound]), String(text[range.lowerBound...]))
    }
}
