import Foundation
import XCTest

/// Help, menus, details, filter and sort, layouts, scrollback, mouse, wide
/// characters and the cursor, through tmux on the real console.
final class ConsoleNavigationTests: ConsoleTestCase {
    func testHelpListsTheKeysAndAnyKeyClosesIt() throws {
        try tmux.press("?")
        let screen = try tmux.waitFor("Help · keys")
        for text in ["C-a Space", "synchronized input", "action menu"] {
            XCTAssertTrue(ScreenReading.contains(screen, text), "help lacks \(text)")
        }
        // Help is longer than 48 rows: the arrows scroll it to the pane keys further down.
        for _ in 0..<40 { try tmux.press("Down") }
        try tmux.waitFor("scrollback view with search")
        try tmux.press("Escape")
        try tmux.waitUntil("help closed") { !ScreenReading.contains($0, "Help · keys") }
    }

    func testActionMenuOpensDetailsAndCopiesTheId() throws {
        let id = try XCTUnwrap(ScreenReading.selectedInstanceID(try tmux.capture()))
        try tmux.press("m")
        // Waits for the whole menu: a capture can catch a frame half drawn.
        try tmux.waitUntil("the action menu") { menu in
            ["Login", "Run command…", "Details", "Copy id"].allSatisfy { ScreenReading.contains(menu, $0) }
        }
        try tmux.press("Down", "Down", "Enter")
        try tmux.waitFor("Instance \(id) · Esc closes")
        // The backend's detail arrives: isolation and the lifecycle events.
        let detail = try tmux.waitUntil("the instance's events") { screen in
            ScreenReading.contains(screen, "Recent events") && !ScreenReading.contains(screen, "loading…")
        }
        XCTAssertTrue(ScreenReading.contains(detail, "Isolation"))
        XCTAssertTrue(ScreenReading.contains(detail, "created"), detail.joined(separator: "\n"))
        try tmux.press("Escape")
        try tmux.waitUntil("details closed") { !ScreenReading.contains($0, "Recent events") }
        try tmux.press("m")
        try tmux.waitFor("Copy id")
        try tmux.press("c")
        try tmux.waitFor("copied \(id) to the clipboard")
    }

    func testFilterNarrowsRowsAndSortMovesBetweenColumns() throws {
        try tmux.press("Right", "Right")
        let hello = try tmux.waitUntil("hello's two instances") { screen in
            ScreenReading.contains(screen, "Instances · hello") && ScreenReading.tableIDs(screen).count >= 2
        }
        let ids = ScreenReading.tableIDs(hello).sorted()
        let wanted = ids[1]
        try tmux.press("/")
        try tmux.type(String(wanted.prefix(8)))
        let filtered = try tmux.waitFor("/\(wanted.prefix(8))")
        XCTAssertTrue(ScreenReading.contains(filtered, wanted))
        XCTAssertFalse(ScreenReading.contains(filtered, ids[0]), "the filter should hide \(ids[0])")
        try tmux.press("Enter")
        try tmux.press("Escape")
        try tmux.waitUntil("both rows back") { screen in ids.allSatisfy { ScreenReading.contains(screen, $0) } }

        try tmux.waitFor("AGE↑")
        try tmux.press(">")
        try tmux.waitFor("IDLE↑")
        try tmux.press("r")
        try tmux.waitFor("IDLE↓")
        try tmux.press(":")
        try tmux.typeLine("sort mem")
        try tmux.waitFor("MEM↓")
    }

    func testZoomLayoutsAndClose() throws {
        let first = try loginSelected()
        try tmux.press("C-a", "Tab")
        try tmux.press("Right")
        try tmux.waitFor("Instances · env-printer")
        let second = try loginSelected()
        func titleRow(_ screen: [String], _ id: String) -> Int? { screen.firstIndex { $0.contains("/ \(id) · shell") } }

        var screen = try tmux.capture()
        XCTAssertEqual(titleRow(screen, first), titleRow(screen, second), "login opens the new pane beside the focused one")

        try tmux.press("C-a", "z")
        screen = try tmux.waitUntil("the zoomed pane alone") { screen in
            !ScreenReading.contains(screen, "Instances ·") && titleRow(screen, first) == nil && titleRow(screen, second) == 1
        }
        XCTAssertTrue(screen[tmux.rows - 1].contains("ZOOM"), screen[tmux.rows - 1])
        try tmux.press("C-a", "z")
        try tmux.waitFor("Instances · env-printer")

        try tmux.press("C-a", ":")
        try tmux.typeLine("layout even-vertical")
        // even-vertical stacks the panes.
        try tmux.waitUntil("even-vertical") { screen in
            guard let top = titleRow(screen, first), let bottom = titleRow(screen, second) else { return false }
            return top < bottom
        }
        try tmux.press("C-a", "Space")  // even-vertical → main-vertical: side by side again
        try tmux.waitUntil("main-vertical") { screen in
            titleRow(screen, first) != nil && titleRow(screen, first) == titleRow(screen, second)
        }

        try tmux.press("C-a", "x")
        screen = try tmux.waitUntil("one pane left") { screen in titleRow(screen, second) == nil && titleRow(screen, first) != nil }
        XCTAssertTrue(ScreenReading.contains(screen, "1 session"))
    }

    func testScrollbackViewFindsOutputThatScrolledAway() throws {
        try loginSelected()
        try tmux.typeLine("for i in $(seq 1 150); do echo \"row-$i\"; done; echo end-$((2*50))")
        try tmux.waitFor("end-100")
        XCTAssertFalse(ScreenReading.contains(try tmux.capture(), "row-42 "))
        try tmux.press("C-a", "[")
        try tmux.waitFor("· scrollback")
        try tmux.press("/")
        try tmux.typeLine("row-42")
        let screen = try tmux.waitUntil("row-42 in view") { screen in screen.contains { $0.contains("│row-42 ") } }
        XCTAssertTrue(ScreenReading.contains(screen, "row-41"))
        try tmux.press("q")
        try tmux.waitUntil("the live screen back") { screen in
            !ScreenReading.contains(screen, "· scrollback") && ScreenReading.contains(screen, "end-100")
        }
    }

    func testMouseSelectsFunctionsAndFocusesPanes() throws {
        let screen = try tmux.capture()
        let helloRow = try XCTUnwrap(screen.firstIndex { $0.contains(" hello ") && $0.hasPrefix("│") })
        try click(column: 5, row: helloRow)
        try tmux.waitFor("Instances · hello")
        // Clicking the second instance row selects it (and focuses the table).
        try click(column: 60, row: 4)
        let selected = try tmux.waitUntil("the second row selected") { screen in screen[4].contains("▶c-") }
        XCTAssertEqual(ScreenReading.selectedInstanceID(selected), ScreenReading.instanceIDs(in: selected[4]).first)
        try loginSelected()
        try tmux.waitFor("C-a prefix")
        try click(column: 60, row: 4)  // a row of the instance table
        try tmux.waitFor("Enter login")
        try click(column: 60, row: tmux.rows - 4)  // inside the pane
        try tmux.waitFor("C-a prefix")
    }

    func testProgramThatAskedForTheMouseGetsClicksInItsPane() throws {
        try loginSelected()
        // The tty echoes what the program receives: the report shows as ^[[<…M.
        try tmux.typeLine("stty -icanon; printf '\\033[?1000h\\033[?1006h'; cat -v")
        let screen = try tmux.waitFor("cat -v")
        let border = try XCTUnwrap(screen.firstIndex { $0.contains("· shell") }, "no pane border on screen")
        // Column 10 of the screen is column 9 of the pane's content (SGR counts
        // from 1: 10); three rows under the border is its row 2 (SGR: 3).
        try click(column: 10, row: border + 3)
        try tmux.waitFor("^[[<0;10;3M^[[<0;10;3m")
        // The wheel too, in place of the pane's scrollback.
        try mouse(button: 64, column: 12, row: border + 1)
        try tmux.waitFor("^[[<64;12;1M")
        XCTAssertFalse(ScreenReading.contains(try tmux.capture(), "· scrollback"))
    }

    func testWideCharactersKeepTheBorderAligned() throws {
        try loginSelected()
        try tmux.typeLine("printf '\\344\\270\\255\\346\\226\\207-%s\\n' $((21*2))")
        let screen = try tmux.waitFor("中文-42")
        let row = try XCTUnwrap(screen.first { $0.contains("中文-42") })
        let columns = row.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 && $1.value != 0x2502 ? 2 : 1) }
        XCTAssertEqual(columns, tmux.cols, row)
        XCTAssertTrue(row.hasSuffix("│"), row)
    }

    func testPaneColoursMapToWhatTheTerminalHas() throws {
        try loginSelected()
        // An RGB red and a 256-colour index from the program; tmux-256color has 256 colours,
        // so RGB becomes the nearest xterm-256 entry (196) and index 33 stays 33.
        let row = try tmux.colouredRow(rgb: (255, 0, 0), index: 33)
        XCTAssertNotNil(row.range(of: "38;5;196m[^\u{1B}]*rgb-2", options: .regularExpression), row)
        XCTAssertNotNil(row.range(of: "48;5;33m[^\u{1B}]*idx-4", options: .regularExpression), row)
    }

    func testCursorSitsInTheFocusedPane() throws {
        try loginSelected()
        try tmux.type("echo cursor-here")
        let screen = try tmux.waitFor("echo cursor-here")
        let row = try XCTUnwrap(screen.lastIndex { $0.contains("echo cursor-here") })
        let line = screen[row]
        let end = try XCTUnwrap(line.range(of: "echo cursor-here")).upperBound
        let column = line.distance(from: line.startIndex, to: end)
        let cursor = try tmux.cursor()
        XCTAssertEqual(cursor.row, row)
        XCTAssertEqual(cursor.column, column)
    }
}

/// Pastes from the outer terminal reach the pane's program as one bracketed paste.
final class ConsolePasteTests: ConsoleTestCase {
    func testPasteReachesTheFocusedPane() throws {
        try loginSelected()
        try tmux.pasteBuffer("echo pasted-$((3*3))")
        try tmux.waitFor("echo pasted-$((3*3))")
        try tmux.press("Enter")
        try tmux.waitFor("pasted-9")
    }
}
