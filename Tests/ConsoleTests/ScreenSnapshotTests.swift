@testable import Console
import TerminalEmulator
import XCTest

/// The screen a mid-session recording opens with: fed to an empty terminal of
/// the same size, it gives the same cells, colours and cursor.
final class ScreenSnapshotTests: XCTestCase {
    func testSnapshotRedrawsTheSameScreen() {
        let source = Terminal(cols: 40, rows: 6)
        source.feed("plain line\r\n\u{1B}[1;31mbold red\u{1B}[0m and \u{1B}[38;5;208morange\u{1B}[0m\r\n")
        source.feed("\u{1B}[48;2;10;20;30;4mrgb under\u{1B}[0m wide: 日本\r\n\u{1B}[7mreverse\u{1B}[0m")
        source.feed("\u{1B}[6;38Hend\u{1B}[3;5H")
        let copy = Terminal(cols: 40, rows: 6)
        copy.feed(ScreenSnapshot.bytes(of: source))
        for row in 0..<6 {
            XCTAssertEqual(copy.cells(row: row), source.cells(row: row), "row \(row)")
        }
        XCTAssertEqual(copy.cursor.row, 2)
        XCTAssertEqual(copy.cursor.col, 4)
    }

    func testAlternateScreenAndHiddenCursorCarryOver() {
        let source = Terminal(cols: 20, rows: 4)
        source.feed("main\u{1B}[?1049h\u{1B}[Hfull-screen\u{1B}[?25l")
        let copy = Terminal(cols: 20, rows: 4)
        copy.feed(ScreenSnapshot.bytes(of: source))
        XCTAssertTrue(copy.modes.alternateScreen)
        XCTAssertFalse(copy.cursor.visible)
        XCTAssertEqual(copy.cells(row: 0), source.cells(row: 0))
    }
}
