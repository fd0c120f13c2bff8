@testable import Console
import TerminalEmulator
import XCTest

/// The key table: dispatch, help and the footer read the same bindings.
final class KeyTableTests: XCTestCase {
    func testDispatchFindsTheKeysHelpLists() {
        let table = KeyTable.standard
        XCTAssertEqual(table.action(for: .char("j"), in: .table), .down)
        XCTAssertEqual(table.action(for: KeyPress(.down, .shift), in: .table), .down)
        XCTAssertEqual(table.action(for: KeyPress(.character("G"), .shift), in: .table), .last)
        XCTAssertEqual(table.action(for: KeyPress(.character("j"), .alt), in: .table), nil, "Alt-j is not a table key")
        XCTAssertEqual(table.action(for: KeyPress(.tab), in: .table), .focusNext)
        XCTAssertEqual(table.action(for: KeyPress(.tab, .shift), in: .table), .focusPrevious)
        XCTAssertEqual(table.action(for: .ctrl("c"), in: .table), .quit)
        XCTAssertEqual(table.action(for: .char("|"), in: .prefix), .splitBeside)
        XCTAssertEqual(table.action(for: .char("-"), in: .prefix), .splitBelow)
        XCTAssertEqual(table.action(for: .char("?"), in: .scrollback), .search)
        XCTAssertEqual(table.action(for: KeyPress(.home), in: .scrollback), .first)
        XCTAssertEqual(table.action(for: .char("j"), in: .prefix), nil)
        // Keys that worked before the table and help did not list are now listed.
        let help = HelpView.lines(prefix: "C-a").compactMap(\.keys)
        for keys in ["C-a % |", "C-a \" -", "< ,", "> .", "Home g", "End G", "/ ?"] {
            XCTAssertTrue(help.contains(keys), "help lacks \(keys): \(help)")
        }
    }

    func testFooterIsBuiltFromTheTable() {
        let table = KeyTable.standard
        XCTAssertEqual(table.footer(.table).map { "\($0.key) \($0.label)" },
                       ["Enter login", "m menu", "x run", "d detail", "/ filter", "<> sort", "Tab focus", "? help", "q quit"])
        XCTAssertEqual(table.footer(.prefix).first.map { "\($0.key) \($0.label)" }, "←↑→↓ focus")
        XCTAssertEqual(table.footer(.scrollback).map { "\($0.key) \($0.label)" },
                       ["↑↓ PgUp PgDn scroll", "/ search", "n N next/prev", "q leave"])
        XCTAssertEqual(table.paneFooter(prefix: "C-b").first.map { "\($0.key) \($0.label)" }, "C-b prefix")
        XCTAssertTrue(table.paneFooter(prefix: "C-b").contains { $0.key == "C-b z" && $0.label == "zoom" })
    }

    func testKeyNamesRoundTrip() {
        for name in ["j", "G", "?", "C-x", "S-Tab", "↑", "PgDn", "Home", "Enter", "Esc", "Space", "F5"] {
            XCTAssertEqual(KeyChord.parse(name)?.name, name)
        }
        XCTAssertEqual(KeyChord.parse("Up"), KeyChord(.up))
        XCTAssertEqual(KeyChord.parse("ctrl-c"), KeyChord(.character("\u{3}")))
        XCTAssertNil(KeyChord.parse("Hyper-q"))
    }
}
