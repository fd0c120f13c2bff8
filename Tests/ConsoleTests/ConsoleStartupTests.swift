import Foundation
import XCTest

/// How the real `porthole` console starts and fails: bad themes, NO_COLOR, a
/// server that goes away.
final class ConsoleStartupTests: XCTestCase {
    private var launches: [ConsoleLaunch] = []
    private var servers: [PortholeServer] = []

    override func tearDown() {
        launches.forEach { $0.stop() }
        servers.forEach { $0.stop() }
        // Each server's directory (token and state) goes with it; a restarted server shares its first one's.
        for server in servers { try? FileManager.default.removeItem(at: server.stateDirectory.deletingLastPathComponent()) }
    }

    private func launch(_ arguments: [String] = [], environment: [String: String] = [:]) throws -> TmuxConsole {
        let launch = try ConsoleLaunch(arguments: arguments, environment: environment)
        launches.append(launch)
        return launch.tmux
    }

    func testBadThemeFileIsAnErrorNamingTheKey() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-bad-theme-\(getpid()).yaml")
        let dark = try String(contentsOf: TmuxConsole.packageRoot.appendingPathComponent("themes/dark.yaml"), encoding: .utf8)
        try dark.replacingOccurrences(of: "table.warn: { fg: warn,", with: "table.warn: { fg: \"#ffd7\",")
            .write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let tmux = try launch(["--theme", file.path])
        try tmux.waitFor("CONSOLE-EXITED", timeout: 60)
        XCTAssertNotEqual(tmux.exitStatus, 0)
        let stderr = try String(contentsOf: tmux.workDirectory.appendingPathComponent("stderr"), encoding: .utf8)
        XCTAssertTrue(stderr.contains("styles.table.warn.fg"), stderr)
        XCTAssertTrue(stderr.contains(file.path), stderr)
    }

    func testReboundKeyWorksAndHelpShowsIt() throws {
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-keys-\(getpid()).yaml")
        try "keys:\n  help: h\n  details: i\n".write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }
        let tmux = try launch(environment: ["PORTHOLE_CONFIG": config.path])
        try tmux.waitUntil("the instance table", timeout: 60) { $0.contains { $0.contains("▶c-") } }
        try tmux.waitFor("h help")
        try tmux.press("h")
        let help = try tmux.waitFor("Help · keys")
        XCTAssertTrue(help.contains { $0.contains(" h ") && $0.contains("this help") }, help.joined(separator: "\n"))
        XCTAssertTrue(help.contains { $0.contains(" i ") && $0.contains("instance details") }, help.joined(separator: "\n"))
        try tmux.press("Escape")
        try tmux.waitUntil("help closed") { !ScreenReading.contains($0, "Help · keys") }
        // The old key is free: `?` does nothing in the table now.
        try tmux.press("?")
        try tmux.press("i")
        try tmux.waitFor("· Esc closes")
        XCTAssertFalse(ScreenReading.contains(try tmux.capture(), "Help · keys"))
    }

    func testUnknownKeyActionIsAnErrorNamingTheLine() throws {
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-badkeys-\(getpid()).yaml")
        try "theme: dark\nkeys:\n  help: h\n  fly: f\n".write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }
        let tmux = try launch(environment: ["PORTHOLE_CONFIG": config.path])
        try tmux.waitFor("CONSOLE-EXITED", timeout: 60)
        XCTAssertNotEqual(tmux.exitStatus, 0)
        let stderr = try String(contentsOf: tmux.workDirectory.appendingPathComponent("stderr"), encoding: .utf8)
        XCTAssertTrue(stderr.contains("\(config.path):4: keys: unknown action \"fly\""), stderr)
    }

    func testNoColorDrawsWithAttributesOnly() throws {
        let tmux = try launch(environment: ["NO_COLOR": "1"])
        let screen = try tmux.waitUntil("the instance table", escapes: true) { screen in
            screen.contains { $0.contains("▶") && $0.contains("c-") && $0.contains("Running") }
        }
        let text = screen.joined(separator: "\n")
        XCTAssertFalse(text.contains("38;5;"), "a foreground colour was drawn")
        XCTAssertFalse(text.contains("48;5;"), "a background colour was drawn")
        // The selected row still stands out: reverse video (dark theme's mono for table.selected).
        let selected = try XCTUnwrap(screen.first { $0.contains("▶c-") })
        XCTAssertNotNil(selected.range(of: "\u{1B}\\[(0;)?7m", options: .regularExpression), selected)
    }

    func testDirectColourTerminalGetsTheProgramsRGB() throws {
        // xterm-direct (Debian's ncurses-term) numbers colours by RGB value.
        let tmux = try launch(environment: ["TERM": "xterm-direct"])
        let screen = try tmux.waitUntil("the instance table", timeout: 60) { screen in
            screen.contains { $0.contains("▶") && $0.contains("c-") && $0.contains("Running") }
        }
        let id = try XCTUnwrap(ScreenReading.selectedInstanceID(screen))
        try tmux.press("Enter")
        try tmux.waitFor("/ \(id) · shell")
        // An RGB colour stays exact; a 256-colour index becomes that entry's RGB.
        let row = try tmux.colouredRow(rgb: (250, 100, 5), index: 33)
        XCTAssertNotNil(row.range(of: "38;2;250;100;5m[^\u{1B}]*rgb-2", options: .regularExpression), row)
        XCTAssertNotNil(row.range(of: "48;2;0;135;255m[^\u{1B}]*idx-4", options: .regularExpression), row)
    }

    func testLosingTheServerShowsABannerAndRecovers() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-serve-\(getpid())-\(UUID().uuidString.prefix(6))")
        let server = try PortholeServer(directory: directory)
        servers.append(server)
        let tmux = try launch(["--server", "http://\(server.address)", "--token-file", server.tokenFile.path, "--refresh", "0.5"])
        try tmux.waitUntil("instances from the server", timeout: 30) { screen in
            ScreenReading.contains(screen, "Running") && ScreenReading.contains(screen, "env-printer")
        }
        server.stop()
        try tmux.waitFor("retrying", timeout: 30)
        XCTAssertNil(tmux.exitStatus, "the console must stay up without its server")
        // The server comes back on the same address: the banner goes, fresh instances show.
        let again = try PortholeServer(directory: directory, port: server.port)
        servers.append(again)
        try tmux.waitUntil("the banner gone and instances back", timeout: 30) { screen in
            !ScreenReading.contains(screen, "retrying") && ScreenReading.contains(screen, "Running")
        }
    }

    /// A frozen server (SIGSTOP) accepts connections and never answers: the banner
    /// must still come within about one refresh, and the table must say its rows
    /// are stale rather than keep showing instances as Running.
    func testFrozenServerShowsTheBannerAndAStaleTableWithinARefresh() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-serve-\(getpid())-\(UUID().uuidString.prefix(6))")
        let server = try PortholeServer(directory: directory)
        servers.append(server)
        let tmux = try launch(["--server", "http://\(server.address)", "--token-file", server.tokenFile.path, "--refresh", "1"])
        try tmux.waitUntil("instances from the server", timeout: 30) { screen in
            ScreenReading.contains(screen, "Running") && ScreenReading.contains(screen, "env-printer")
        }
        let pid = server.pid
        XCTAssertEqual(kill(pid, SIGSTOP), 0)
        defer { kill(pid, SIGCONT) }
        let frozenAt = Date()
        // Refresh every 1 s, a refresh gives up after 2 s: the banner within 3 s, with slack for a loaded machine.
        // The whole frame, not a capture taken while tmux had only its first lines.
        let screen = try tmux.waitUntil("the outage banner and a stale table", timeout: 8) { screen in
            ScreenReading.contains(screen, "retrying") && ScreenReading.contains(screen, "STALE")
                && ScreenReading.contains(screen, "unknown")
        }
        let took = Date().timeIntervalSince(frozenAt)
        XCTAssertLessThan(took, 6, "the banner took \(took) s")
        XCTAssertTrue(ScreenReading.contains(screen, "did not answer"), screen.joined(separator: "\n"))
        XCTAssertFalse(ScreenReading.contains(screen, "Running"), "a stale row still says Running:\n\(screen.joined(separator: "\n"))")
        XCTAssertTrue(ScreenReading.contains(screen, "unknown"), screen.joined(separator: "\n"))
        XCTAssertNil(tmux.exitStatus, "the console must stay up without its server")
    }
}
