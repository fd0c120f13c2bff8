import Foundation
import ProcessHarness
import XCTest

/// The console as a person uses it: a porthole process inside a detached tmux
/// session of a fixed size, typed at with `send-keys`, read with `capture-pane`.
/// Every wait is a bounded poll for text on screen, never a fixed sleep.
///
/// Each instance has its own tmux server socket and its own state directory, so
/// tests never see each other's sessions or instances.
final class TmuxConsole {
    let name: String
    let socket: String
    let driver: TmuxDriver
    let workDirectory: URL
    private(set) var cols: Int
    private(set) var rows: Int

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let buildDirectory = packageRoot.appendingPathComponent(".build/debug")
    static var portholeBinary: URL { buildDirectory.appendingPathComponent("porthole") }

    private static let counter = NSLock()
    nonisolated(unsafe) private static var next = 0

    /// Starts `command` (argv, run by tmux through the shell) in a new detached session.
    init(command: [String], environment: [String: String] = [:], cols: Int = 160, rows: Int = 48) throws {
        let number = Self.counter.withLock { () -> Int in
            Self.next += 1
            return Self.next
        }
        name = "ph\(getpid())-\(number)"
        socket = "porthole-tests-\(getpid())-\(number)"
        driver = TmuxDriver(socket: socket)
        workDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-console-\(name)")
        try? FileManager.default.removeItem(at: workDirectory)
        try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
        self.cols = cols
        self.rows = rows
        let config = workDirectory.appendingPathComponent("tmux.conf")
        // tmux-256color so the console sees 256 colours, as in a real modern terminal.
        try "set -g default-terminal tmux-256color\nset -g escape-time 0\nset -g history-limit 0\n"
            .write(to: config, atomically: true, encoding: .utf8)
        var env = environment
        env["XDG_STATE_HOME"] = env["XDG_STATE_HOME"] ?? workDirectory.appendingPathComponent("state").path
        env["XDG_CONFIG_HOME"] = env["XDG_CONFIG_HOME"] ?? workDirectory.appendingPathComponent("config").path
        // The embedded platform's shells inherit HOME, and an interactive one writes
        // ~/.bash_history when it ends: give them one that goes with the work directory.
        if env["HOME"] == nil {
            let home = workDirectory.appendingPathComponent("home")
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            env["HOME"] = home.path
        }
        let exports = env.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote($0.value))" }.joined(separator: " ")
        // After the console exits the shell records its status and stays, so the test can read both.
        let status = workDirectory.appendingPathComponent("exit-status").path
        // NO_COLOR only when a test asks for it (swift test may set it for its own output).
        let unset = env["NO_COLOR"] == nil ? "-u NO_COLOR " : ""
        let line = "cd \(Self.quote(Self.packageRoot.path)) && env \(unset)\(exports) \(command.map(Self.quote).joined(separator: " ")) 2>\(Self.quote(workDirectory.appendingPathComponent("stderr").path)); echo $? > \(Self.quote(status)); echo CONSOLE-EXITED; sleep 600"
        try driver.start(session: name, cols: cols, rows: rows, command: line, config: config.path)
    }

    deinit { kill() }

    /// Ends the tmux server and everything under it, by pid, and removes the work
    /// directory (stderr, exit status, state): tests read those before they end it.
    func kill() {
        driver.kill()
        try? FileManager.default.removeItem(at: workDirectory)
    }

    // MARK: Typing

    /// Sends tmux key names: "Enter", "C-a", "Escape", "Left", "Tab".
    func press(_ keys: String...) throws {
        try driver.keys(keys)
    }

    /// Types text literally.
    func type(_ text: String) throws {
        try driver.literal(text)
    }

    /// Pastes text the way a terminal does, bracketed when the program asked for it.
    func pasteBuffer(_ text: String) throws {
        try tmux(["set-buffer", "-b", "test-paste", text])
        try tmux(["paste-buffer", "-p", "-b", "test-paste", "-t", name])
    }

    /// Sends raw bytes, in hex, as if the terminal produced them (mouse reports).
    func sendHex(_ bytes: [String]) throws {
        try tmux(["send-keys", "-t", name, "-H"] + bytes)
    }

    /// Makes tmux take OSC 52 from the console into a paste buffer, as a
    /// terminal with clipboard access would (`set-clipboard on`).
    func acceptClipboard() throws {
        try tmux(["set-option", "-g", "set-clipboard", "on"])
        try? tmux(["delete-buffer", "-b", "test-paste"])
    }

    /// The newest paste buffer's text (what OSC 52 last put there), nil if none.
    func newestBuffer() -> String? {
        guard let names = try? tmux(["list-buffers", "-F", "#{buffer_name}"]) else { return nil }
        guard let newest = names.split(separator: "\n").first.map(String.init), !newest.isEmpty else { return nil }
        return try? tmux(["show-buffer", "-b", newest])
    }

    /// Polls until the newest buffer satisfies `condition` (at most `timeout` s); fails showing the screen.
    @discardableResult
    func waitForBuffer(_ what: String, timeout: TimeInterval = 20, file: StaticString = #filePath, line: UInt = #line,
                       _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last: String?
        repeat {
            last = newestBuffer()
            if let last, condition(last) { return last }
            usleep(50_000)
        } while Date() < deadline
        XCTFail("timed out after \(timeout)s waiting for a clipboard buffer with \(what); newest: \(last.map { String($0.prefix(200)) } ?? "none"); screen:\n\(screenText)",
                file: file, line: line)
        throw TimeoutError(what: what)
    }

    /// Where tmux's cursor is (the console puts it in the focused pane).
    func cursor() throws -> (column: Int, row: Int) {
        let text = try tmux(["display-message", "-p", "-t", name, "#{cursor_x} #{cursor_y} #{cursor_flag}"])
        let parts = text.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        return parts.count >= 2 ? (parts[0], parts[1]) : (-1, -1)
    }

    /// Types a line and Enter.
    func typeLine(_ text: String) throws {
        try type(text)
        try press("Enter")
    }

    func resize(cols: Int, rows: Int) throws {
        try driver.resize(cols: cols, rows: rows)
        self.cols = cols
        self.rows = rows
    }

    // MARK: Reading

    /// The screen as text, one string per row (with `escapes`, SGR sequences included).
    func capture(escapes: Bool = false) throws -> [String] {
        let text = try driver.capture(escapes: escapes)
        var rows = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if rows.last == "" { rows.removeLast() }  // the newline ending the last row
        return rows
    }

    var screenText: String { (try? capture().joined(separator: "\n")) ?? "" }

    /// Polls the screen until `condition` holds, at most `timeout` seconds; fails with the screen.
    @discardableResult
    func waitUntil(_ what: String, timeout: TimeInterval = 20, escapes: Bool = false,
                   file: StaticString = #filePath, line: UInt = #line,
                   _ condition: ([String]) -> Bool) throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        var screen: [String] = []
        for _ in 0..<Int(timeout * 20) + 1 {
            screen = try capture(escapes: escapes)
            if condition(screen) { return screen }
            if Date() > deadline { break }
            usleep(50_000)
        }
        let stderrText = (try? String(contentsOf: workDirectory.appendingPathComponent("stderr"), encoding: .utf8)) ?? ""
        XCTFail("timed out after \(timeout)s waiting for \(what); screen:\n\(screen.joined(separator: "\n"))\nstderr:\n\(stderrText.suffix(2000))",
                file: file, line: line)
        throw TimeoutError(what: what)
    }

    /// Waits until `text` is on screen.
    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 20, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        try waitUntil("\"\(text)\"", timeout: timeout, file: file, line: line) { rows in rows.contains { $0.contains(text) } }
    }

    /// The exit status of the console process once it has exited, else nil.
    var exitStatus: Int32? {
        guard let text = try? String(contentsOf: workDirectory.appendingPathComponent("exit-status"), encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The pid of the shell tmux started (the console is its child until it exits).
    func shellPID() throws -> pid_t {
        pid_t(try tmux(["display-message", "-p", "-t", name, "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    // MARK: Plumbing

    struct TimeoutError: Error { let what: String }

    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        try driver.run(arguments)
    }

    static func quote(_ text: String) -> String { CommandRunner.quote(text) }
}

extension TmuxConsole {
    /// Has the shell in the focused pane print "rgb-2" in the RGB foreground
    /// `rgb` and "idx-4" on the 256-colour background `index`; returns the
    /// screen row showing them, with the escapes the console drew.
    func colouredRow(rgb: (Int, Int, Int), index: Int) throws -> String {
        let (r, g, b) = rgb
        try typeLine("printf '\\033[38;2;\(r);\(g);\(b)mrgb-%s\\033[0m \\033[48;5;\(index)midx-%s\\033[0m\\n' $((1+1)) $((2+2))")
        let screen = try waitUntil("coloured output", escapes: true) { screen in
            screen.contains { $0.contains("rgb-2") && $0.contains("idx-4") }
        }
        return try XCTUnwrap(screen.first { $0.contains("rgb-2") && $0.contains("idx-4") })
    }
}
