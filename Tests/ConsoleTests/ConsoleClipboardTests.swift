import Foundation
import XCTest

/// The clipboard through the outer terminal: lines copied from a pane (keys and
/// mouse) reach tmux's paste buffers as OSC 52 (tmux with `set-clipboard on`
/// stands for a terminal with clipboard access); a program's own OSC 52 is
/// blocked unless `clipboard: allow` is in the config.
final class ConsoleClipboardTests: ConsoleTestCase {
    override func setUpWithError() throws {}   // each test starts its own console

    /// The console's XDG_CONFIG_HOME, removed after the test.
    private var home: URL!

    /// Starts the console with `config` as its config.yaml and waits for the demo platform.
    private func start(config: String? = nil, arguments: [String] = []) throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-clip-\(getpid())-\(UUID().uuidString.prefix(8))")
        self.home = home
        let directory = home.appendingPathComponent("porthole")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: home) }
        if let config { try config.write(to: directory.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8) }
        console = try ConsoleLaunch(arguments: arguments, environment: ["XDG_CONFIG_HOME": home.path])
        try tmux.acceptClipboard()
        try tmux.waitUntil("the demo functions and a running instance", timeout: 60) { screen in
            ["cpu-burner", "env-printer", "hello", "Running"].allSatisfy { ScreenReading.contains(screen, $0) }
        }
    }

    func testScrollbackLinesSelectedWithKeysReachTheClipboard() throws {
        try start()
        try loginSelected()
        try tmux.typeLine("for i in 1 2 3 4 5; do echo line-$i-$((i*11)); done")
        try tmux.waitFor("line-5-55")
        try tmux.press("C-a", "[")
        try tmux.waitFor("· scrollback")
        // Search puts the selection start on a line; k moves the other end up.
        try tmux.press("?")
        try tmux.type("line-4-44")
        try tmux.press("Enter")
        try tmux.press("v")
        try tmux.waitFor("1 line selected")
        try tmux.press("k", "k")
        try tmux.waitFor("3 lines selected")
        try tmux.press("y")
        let copied = try tmux.waitForBuffer("three lines") { $0.contains("line-4-44") }
        XCTAssertEqual(copied, "line-2-22\nline-3-33\nline-4-44")
        try tmux.waitFor("copied 3 lines to the clipboard")
        XCTAssertFalse(ScreenReading.contains(try tmux.capture(), "· scrollback"), "y leaves the scrollback view")
    }

    func testOverTheCapIsRefusedWithTheCapNamedNotCut() throws {
        try start()
        try loginSelected()
        // 1,300 lines of 100 characters: 130 KB, over the 100 KiB cap.
        try tmux.typeLine("for i in $(seq 1300); do printf 'big-%04d-%094d\\n' $i 0; done; echo done-$((2*50))")
        try tmux.waitFor("done-100", timeout: 30)
        try tmux.press("C-a", "[")
        try tmux.waitFor("· scrollback")
        try tmux.press("?")
        try tmux.type("big-0001-")
        try tmux.press("Enter")
        try tmux.press("v", "G")       // from the first big line to the newest
        try tmux.waitUntil("a selection over 1300 lines") { screen in
            screen.contains { row in
                guard let range = row.range(of: " lines selected") else { return false }
                let digits = row[..<range.lowerBound].reversed().prefix { $0.isNumber }
                return Int(String(digits.reversed())).map { $0 > 1100 } ?? false
            }
        }
        try tmux.press("y")
        try tmux.waitFor("over the clipboard cap of 100 KiB")
        XCTAssertNil(tmux.newestBuffer(), "nothing is copied, not even a part")
        XCTAssertTrue(ScreenReading.contains(try tmux.capture(), "· scrollback"), "the view stays so the selection can be made smaller")
    }

    /// A selection in a full scrollback (10,000 lines) stays on its lines, and
    /// the view on its text, while the program keeps printing and the oldest
    /// lines drop out: `y` copies what was selected. Once the selected lines
    /// themselves have dropped out, `y` refuses rather than copy others.
    func testSelectionInAFullScrollbackStaysOnItsLinesWhileOutputArrives() throws {
        try start()
        try loginSelected()
        let more = home.appendingPathComponent("go-more").path
        let late = home.appendingPathComponent("go-late").path
        // Each stage waits (at most 60 s) for the test to create its file, made only
        // once the view is open: the output then arrives while the selection is held.
        func whenExists(_ file: String) -> String { "for i in $(seq 600); do [ -e \(file) ] && break; sleep 0.1; done" }
        try tmux.typeLine(
            "seq -f 'fill-%05g' 10200; printf 'keep-%d\\n' 1 2 3; "
                + "(\(whenExists(more)); seq -f 'more-%05g' 600; \(whenExists(late)); seq -f 'late-%05g' 10100) &")
        try tmux.waitFor("keep-3", timeout: 60)
        try tmux.press("C-a", "[")
        try tmux.waitFor("· scrollback")
        XCTAssertEqual(try viewPosition()?.held, 10_000, "the scrollback is full before the output that follows")
        try selectKeepLines(count: 2)
        let before = try XCTUnwrap(try viewPosition()).offset
        FileManager.default.createFile(atPath: more, contents: nil)
        // 600 lines arrive below: the view stays put, 600 further from the live screen
        // (a view that follows the output shows the last of them instead).
        try tmux.waitUntil("the view 600 lines further from the live screen", timeout: 60) { screen in
            ((try? self.viewPosition())?.offset ?? 0) >= before + 600 || ScreenReading.contains(screen, "more-00600")
        }
        let view = try tmux.capture()
        XCTAssertTrue(ScreenReading.contains(view, "keep-1") && ScreenReading.contains(view, "keep-2"), "the view stays on its lines:\n\(view.joined(separator: "\n"))")
        XCTAssertEqual(try viewPosition()?.held, 10_000)
        try tmux.press("y")
        let copied = try tmux.waitForBuffer("the copied lines") { !$0.isEmpty }
        XCTAssertEqual(copied, "keep-1\nkeep-2", "the lines selected, not those that took their place")
        try tmux.waitFor("copied 2 lines to the clipboard")

        // Now 10,100 more lines: the selected ones drop out while selected.
        try tmux.press("C-a", "[")
        try tmux.waitFor("· scrollback")
        try selectKeepLines(count: 1)
        FileManager.default.createFile(atPath: late, contents: nil)
        try tmux.waitFor("late-", timeout: 60)   // the view shows the oldest line left
        try tmux.press("y")
        try tmux.waitFor("not copied: the selected lines have left the scrollback")
        XCTAssertEqual(tmux.newestBuffer(), "keep-1\nkeep-2", "nothing else was copied")
        XCTAssertTrue(ScreenReading.contains(try tmux.capture(), "· scrollback"), "the view stays to select again")
    }

    /// Finds keep-1 and selects it and the `count - 1` lines under it.
    private func selectKeepLines(count: Int) throws {
        try tmux.press("?")
        try tmux.type("keep-1")
        try tmux.press("Enter")
        try tmux.press("v")
        try tmux.waitFor("1 line selected")
        for _ in 1..<count { try tmux.press("j") }
        if count > 1 { try tmux.waitFor("\(count) lines selected") }
    }

    /// The scrollback view's "[offset/held]" corner: lines between the view and the
    /// live screen, and lines in scrollback.
    private func viewPosition() throws -> (offset: Int, held: Int)? {
        for row in try tmux.capture() {
            guard let match = row.firstMatch(of: /\[(\d+)\/(\d+)\]/), let offset = Int(match.1), let held = Int(match.2) else { continue }
            return (offset, held)
        }
        return nil
    }

    func testMouseDragCopiesTheLinesItSpans() throws {
        try start()
        try loginSelected()
        try tmux.typeLine("clear; for w in alpha bravo charlie delta; do echo word-$w; done")
        var screen = try tmux.waitFor("word-delta")
        let bravo = try XCTUnwrap(screen.firstIndex { $0.contains("word-bravo") })
        let charlie = try XCTUnwrap(screen.firstIndex { $0.contains("word-charlie") })
        let column = try XCTUnwrap(screen[bravo].range(of: "word-bravo")).lowerBound.utf16Offset(in: screen[bravo])
        try mouse(button: 0, column: column, row: bravo)
        try mouse(button: 3, column: column + 4, row: charlie)
        let copied = try tmux.waitForBuffer("bravo and charlie") { $0.contains("word-charlie") }
        XCTAssertEqual(copied, "word-bravo\nword-charlie")
        screen = try tmux.waitFor("copied 2 lines to the clipboard")
        XCTAssertFalse(copied.contains("alpha") || copied.contains("delta"))
    }

    /// The program's bytes: `printf '\033]52;c;<base64 of secret-from-pane>\007'`.
    private let programWritesClipboard = "printf '\\033]52;c;%s\\007' c2VjcmV0LWZyb20tcGFuZQ==; echo wrote-$((3*4))"

    func testAProgramsClipboardWriteIsBlockedByDefault() throws {
        try start()
        try loginSelected()
        try tmux.typeLine(programWritesClipboard)
        try tmux.waitFor("wrote-12")
        try tmux.waitFor("asked to set your clipboard: blocked")
        XCTAssertTrue(ScreenReading.contains(try tmux.capture(), "clipboard: allow"), "the message says how to allow it")
        XCTAssertNil(tmux.newestBuffer(), "the program's text reached no clipboard")
        // The console's own copy still works: the path to the clipboard is there, the program was refused.
        try tmux.press("C-a", "Tab")
        try tmux.press("c")
        let id = try tmux.waitForBuffer("the instance id") { !$0.isEmpty }
        XCTAssertTrue(id.hasPrefix("c-"), id)
        XCTAssertFalse(id.contains("secret"))
    }

    func testAProgramsClipboardWritePassesWithClipboardAllow() throws {
        try start(config: "clipboard: allow\n")
        try loginSelected()
        try tmux.typeLine(programWritesClipboard)
        let copied = try tmux.waitForBuffer("the program's text") { $0.contains("secret") }
        XCTAssertEqual(copied, "secret-from-pane")
        try tmux.waitFor("(clipboard: allow)")
        // Reading the clipboard back is never allowed, even so: no reply reaches the program.
        try tmux.typeLine("printf '\\033]52;c;?\\007'; read -t 2 -r reply; echo \"reply=[$reply]-$((2+3))\"")
        try tmux.waitFor("asked to read your clipboard: never allowed")
        try tmux.waitFor("reply=[]-5")
    }
}
