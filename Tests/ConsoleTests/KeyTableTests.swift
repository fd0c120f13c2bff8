@testable import Console
import Platform
import TerminalEmulator
import XCTest

/// The key table: dispatch, help and the footer read the same bindings, and
/// `keys:` rebinds them with errors that name the line.
final class KeyTableTests: XCTestCase {
    private let prefix = try! PrefixKey.parse("C-a")

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
                       ["Enter login", "o logs", "m menu", "x run", "d detail", "/ filter", "<> sort", "Tab focus", "? help", "q quit"])
        XCTAssertEqual(table.footer(.prefix).first.map { "\($0.key) \($0.label)" }, "←↑→↓ focus")
        XCTAssertEqual(table.footer(.scrollback).map { "\($0.key) \($0.label)" },
                       ["↑↓ PgUp PgDn scroll", "/ search", "n N next/prev", "v select", "y copy", "q leave"])
        XCTAssertEqual(table.paneFooter(prefix: "C-b").first.map { "\($0.key) \($0.label)" }, "C-b prefix")
        XCTAssertTrue(table.paneFooter(prefix: "C-b").contains { $0.key == "C-b z" && $0.label == "zoom" })
    }

    func testRebindingMovesTheActionEverywhereItIs() throws {
        let table = try KeyTable.standard.rebinding([entry("help", ["F1", "h"]), entry("up", ["i", "Up"])], prefix: prefix)
        XCTAssertEqual(table.action(for: KeyPress(.function(1)), in: .table), .help)
        XCTAssertEqual(table.action(for: .char("h"), in: .prefix), .help)
        XCTAssertEqual(table.action(for: .char("?"), in: .table), nil, "the old key is free")
        XCTAssertEqual(table.action(for: .char("i"), in: .scrollback), .up)
        XCTAssertEqual(table.action(for: .char("k"), in: .table), nil)
        XCTAssertTrue(HelpView.lines(prefix: "C-a", table: table).contains { $0.keys == "C-a F1 h" && $0.text == "this help" })
        XCTAssertTrue(table.footer(.table).contains { $0.key == "F1" && $0.label == "help" })
    }

    func testRebindingErrorsNameTheLine() {
        func error(_ entries: [ContextConfig.KeyEntry]) -> String {
            do {
                _ = try KeyTable.standard.rebinding(entries, prefix: prefix)
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        let unknown = error([entry("fly", ["f"], line: 4)])
        XCTAssertTrue(unknown.hasPrefix("config.yaml:4: keys: unknown action \"fly\"; known: up, down"), unknown)
        let clash = error([entry("help", ["j"], line: 7)])
        XCTAssertEqual(clash, "config.yaml:7: keys: help: j is already down in \"Functions and instances\"; rebind down too or pick another key")
        XCTAssertTrue(error([entry("zoom", ["Ctrl-Alt-z"], line: 2)]).contains("config.yaml:2: keys: zoom: \"Ctrl-Alt-z\" is not a key"))
        XCTAssertTrue(error([entry("zoom", ["C-a"], line: 3)]).contains("config.yaml:3: keys: zoom: C-a is the prefix key"))
        XCTAssertTrue(error([entry("mouse", ["M"], line: 5)]).contains("config.yaml:5: keys: mouse cannot be rebound"))
        // Swapping two keys is no clash.
        XCTAssertEqual(error([entry("up", ["j"]), entry("down", ["k"])]), "no error")
    }

    func testKeyNamesRoundTrip() {
        for name in ["j", "G", "?", "C-x", "S-Tab", "↑", "PgDn", "Home", "Enter", "Esc", "Space", "F5"] {
            XCTAssertEqual(KeyChord.parse(name)?.name, name)
        }
        XCTAssertEqual(KeyChord.parse("Up"), KeyChord(.up))
        XCTAssertEqual(KeyChord.parse("ctrl-c"), KeyChord(.character("\u{3}")))
        XCTAssertNil(KeyChord.parse("Hyper-q"))
    }

    private func entry(_ action: String, _ keys: [String], line: Int = 1) -> ContextConfig.KeyEntry {
        ContextConfig.KeyEntry(action: action, keys: keys, location: "config.yaml:\(line)")
    }
}
