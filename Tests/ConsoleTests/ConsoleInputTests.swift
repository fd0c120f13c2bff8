@testable import Console
import TerminalEmulator
import XCTest

final class ConsoleInputTests: XCTestCase {
    func testCommandsParse() throws {
        XCTAssertEqual(try ConsoleCommand.parse("login c-12ab"), .login(instanceId: "c-12ab"))
        XCTAssertEqual(try ConsoleCommand.parse("  exec c-12ab  ls -la /tmp "), .exec(instanceId: "c-12ab", command: "ls -la /tmp"))
        XCTAssertEqual(try ConsoleCommand.parse("layout main-vertical"), .layout(.mainVertical))
        XCTAssertEqual(try ConsoleCommand.parse("theme high-contrast"), .theme("high-contrast"))
        XCTAssertEqual(try ConsoleCommand.parse("sort cpu"), .sort(.cpu))
        XCTAssertEqual(try ConsoleCommand.parse("scale hello 3"), .scale(function: "hello", provisioned: 3))
        XCTAssertEqual(try ConsoleCommand.parse("logs c-12ab"), .logs(instanceId: "c-12ab", previous: false))
        XCTAssertEqual(try ConsoleCommand.parse("log -p c-12ab"), .logs(instanceId: "c-12ab", previous: true))
        XCTAssertEqual(try ConsoleCommand.parse("logs --previous c-12ab "), .logs(instanceId: "c-12ab", previous: true))
        XCTAssertEqual(try ConsoleCommand.parse("q"), .quit)
        XCTAssertEqual(try ConsoleCommand.parse("quit"), .quit)
    }

    func testBadCommandsExplainTheUsage() {
        let cases: [(String, String)] = [
            ("login", "usage: login ID"),
            ("exec c-1", "usage: exec ID CMD"),
            ("layout spiral", "even-horizontal, even-vertical, main-vertical, tiled"),
            ("sort colour", "usage: sort COLUMN"),
            ("scale hello many", "usage: scale FUNCTION N"),
            ("logs", "usage: logs [-p] ID"),
            ("logs -p", "usage: logs [-p] ID"),
            ("logs c-1 c-2", "usage: logs [-p] ID"),
            ("frobnicate", "unknown command \"frobnicate\""),
        ]
        for (line, expected) in cases {
            XCTAssertThrowsError(try ConsoleCommand.parse(line)) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(line): \(error)")
            }
        }
    }

    func testPrefixKeyNotation() throws {
        XCTAssertEqual(try PrefixKey.parse("C-a").press, KeyPress(.character("\u{1}")))
        XCTAssertEqual(try PrefixKey.parse("C-b").name, "C-b")
        XCTAssertEqual(try PrefixKey.parse("^B").press, KeyPress(.character("\u{2}")))
        XCTAssertEqual(try PrefixKey.parse("ctrl+space").press, KeyPress(.character("\u{0}")))
        XCTAssertThrowsError(try PrefixKey.parse("a"))
        XCTAssertThrowsError(try PrefixKey.parse("C-1"))
        XCTAssertThrowsError(try PrefixKey.parse("C-ab"))
    }

    func testLineEditor() {
        var editor = LineEditor()
        for c in "theme lihgt" { _ = editor.handle(.char(c)) }
        _ = editor.handle(KeyPress(.backspace))
        _ = editor.handle(KeyPress(.backspace))
        _ = editor.handle(KeyPress(.backspace))
        for c in "ght" { _ = editor.handle(.char(c)) }
        XCTAssertEqual(editor.string, "theme light")
        _ = editor.handle(KeyPress(.home))
        _ = editor.handle(KeyPress(.delete))
        XCTAssertEqual(editor.string, "heme light")
        _ = editor.handle(KeyPress(.end))
        _ = editor.handle(.ctrl("w"))
        XCTAssertEqual(editor.string, "heme ")
        XCTAssertEqual(editor.cursorColumn, 5)
        XCTAssertFalse(editor.handle(KeyPress(.enter)), "Enter is for the caller")
        editor.remember("first")
        editor.remember("second")
        editor.set("")
        _ = editor.handle(KeyPress(.up))
        XCTAssertEqual(editor.string, "second")
        _ = editor.handle(KeyPress(.up))
        XCTAssertEqual(editor.string, "first")
        _ = editor.handle(KeyPress(.down))
        XCTAssertEqual(editor.string, "second")
    }

    func testHelpListsEveryBindingWithThePrefixName() {
        let lines = HelpView.lines(prefix: "C-b")
        let keyed = lines.compactMap(\.keys)
        XCTAssertEqual(keyed.count, KeyBinding.all.count)
        XCTAssertTrue(keyed.contains("C-b z"))
        XCTAssertFalse(keyed.contains { $0.contains("{prefix}") })
        for context in KeyBinding.Context.allCases {
            XCTAssertTrue(lines.contains { $0.keys == nil && $0.text == context.rawValue })
        }
        // The clipboard's risk is said where the keys are.
        XCTAssertTrue(lines.contains { $0.text.contains("`clipboard: allow`") })
        XCTAssertTrue(lines.contains { $0.text.contains("plant a command") })
    }

    func testScrollbackSearchFindsOlderLines() {
        let terminal = Terminal(cols: 20, rows: 3, scrollbackLimit: 100)
        for n in 1...10 { terminal.feed("line \(n)\r\n") }
        var view = ScrollbackView()
        XCTAssertEqual(view.topLine(terminal), terminal.scrollbackCount)
        XCTAssertTrue(view.search("LINE 3", older: true, terminal))
        XCTAssertEqual(ScrollbackView.text(terminal, line: view.match!.line), "line 3")
        XCTAssertLessThanOrEqual(view.topLine(terminal), view.match!.line)
        XCTAssertGreaterThan(view.topLine(terminal) + terminal.rows, view.match!.line)
        XCTAssertTrue(view.search("line", older: true, terminal))
        XCTAssertEqual(ScrollbackView.text(terminal, line: view.match!.line), "line 2")
        XCTAssertFalse(view.search("line 99", older: true, terminal))
        view.scrollToOldest(terminal)
        XCTAssertEqual(view.topLine(terminal), 0)
        XCTAssertEqual(ScrollbackView.text(terminal, line: 0), "line 1")
    }
}
