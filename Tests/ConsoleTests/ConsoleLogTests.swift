import Foundation
import ProcessHarness
import XCTest

/// Log panes in the real console: opened with `o` on an instance, read-only,
/// following; on a platform without instance logs the platform's own sentence
/// is what the pane shows.
final class ConsoleLogTests: XCTestCase {
    private var stops: [() -> Void] = []

    override func tearDown() {
        for stop in stops.reversed() { stop() }
        stops = []
    }

    /// A function that writes a long log before it serves (more lines than a
    /// log pane reads first), a line of escape sequences a log must not play
    /// on the pane, a coloured line, and a line per request.
    static let loggerCode = #"""
        import os, sys
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        me = os.environ.get("FC_INSTANCE_ID", "?")
        for n in range(1, 3001):
            print(f"boot line {n} of {me}")
        print("hostile: \x1b]0;pwned-title\x07\x1b[?1049h\x1b[2J\x1b[?1000h\x1b]52;c;cm0gLXJmIH4K\x07\x1b[6nstill here")
        print("\x1b[31mred line\x1b[0m plain again")
        sys.stdout.flush()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                print(f"request {body}", flush=True)
                self.send_response(200)
                self.send_header("Content-Length", "3")
                self.end_headers()
                self.wfile.write(b"ok\n")

            def log_message(self, *args):
                pass

        ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
        """#

    /// A function whose instance writes its log as fast as it can, forever.
    static let flooderCode = #"""
        import os, sys, threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        def flood():
            out = sys.stdout.buffer
            n = 0
            while True:
                out.write(b"".join(b"flood %09d \x1b[32m%s\x1b[0m\n" % (n + i, b"x" * 80) for i in range(100)))
                n += 100

        threading.Thread(target=flood, daemon=True).start()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
        """#

    /// A served console whose one function is `logger` (one provisioned instance) running `code`.
    private func loggerConsole(code source: String = ConsoleLogTests.loggerCode) throws -> ServedConsole {
        let console = try ServedConsole { root in
            let code = root.appendingPathComponent("logger")
            try FileManager.default.createDirectory(at: code, withIntermediateDirectories: true)
            try source.write(to: code.appendingPathComponent("server.py"), atomically: true, encoding: .utf8)
            let spec = root.appendingPathComponent("functions.yaml")
            try """
                functions:
                  - functionName: logger
                    code: \(code.path)
                    customRuntimeConfig: {command: [python3, server.py], port: 9000}
                    instanceConcurrency: 2
                    provisioned: 1
                    maxInstances: 1
                    idleTimeout: 60
                """.write(to: spec, atomically: true, encoding: .utf8)
            return ["--config", spec.path]
        }
        stops.append { console.stop() }
        return console
    }

    /// How many descriptors the server process holds open on `file` (a log
    /// reader's; the instance's own stdout is in the instance's process).
    private func handles(of pid: pid_t, on file: URL) -> Int {
        let directory = "/proc/\(pid)/fd"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return entries.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\($0)")) == file.path }.count
    }

    private func waitForHandles(_ what: String, pid: pid_t, file: URL, _ condition: (Int) -> Bool,
                                file source: StaticString = #filePath, line: UInt = #line) {
        let deadline = Date().addingTimeInterval(20)
        var count = handles(of: pid, on: file)
        while !condition(count), Date() < deadline {
            usleep(50_000)
            count = handles(of: pid, on: file)
        }
        XCTAssertTrue(condition(count), "\(what): the server holds \(count) descriptors on \(file.path)", file: source, line: line)
    }

    /// `o` opens the log beside nothing else: its last lines (not the whole
    /// long log), colours kept, escape sequences not played; a line written
    /// later arrives; keys typed in it go nowhere; `q` goes back to the table;
    /// closing the pane ends the request (the server closes the log file).
    func testLogPaneFollowsIsReadOnlyAndClosingEndsTheStream() throws {
        let console = try loggerConsole()
        let tmux = console.tmux
        try tmux.acceptClipboard()
        let id = try console.selectedInstance()
        let logFile = console.server.stateDirectory.appendingPathComponent("logs/\(id).log")
        XCTAssertEqual(handles(of: console.server.pid, on: logFile), 0, "no reader before the pane opens")
        try tmux.press("o")
        try tmux.waitFor("logs · \(id) · following")
        let title = "logs · \(id)"
        var screen = try tmux.waitUntil("the end of the boot log in the pane") { rows in
            (ScreenReading.paneText(titled: title, in: rows) ?? "").contains("red line plain again")
        }
        let text = ScreenReading.paneText(titled: title, in: screen) ?? ""
        XCTAssertTrue(text.contains("boot line 3000 of \(id)"), text)
        // Every escape sequence of the hostile line was dropped: its text reads on, on one line.
        XCTAssertTrue(text.contains("hostile: still here"), text)
        XCTAssertFalse(screen.joined().contains("pwned-title"), "a log retitled something")
        XCTAssertTrue(screen.contains { $0.contains("boot line 2999 of \(id)") }, "ESC [ 2 J cleared the pane")
        XCTAssertNil(tmux.newestBuffer(), "the log's OSC 52 reached the clipboard")
        // Colour stays: the red line's text is drawn after an SGR of its own.
        let coloured = try tmux.capture(escapes: true).first { $0.contains("red line") } ?? ""
        XCTAssertNotNil(coloured.range(of: "\u{1B}\\[[0-9;]*mred line", options: .regularExpression), coloured.debugDescription)
        XCTAssertEqual(handles(of: console.server.pid, on: logFile), 1, "one reader follows the log")

        // The pane starts with the log's last lines, not all 3000.
        try tmux.press("PPage")
        try tmux.waitFor("\(title) · following · scrollback")
        try tmux.type("/")
        try tmux.typeLine("boot line 2500 of")
        try tmux.waitFor("boot line 2500 of \(id)")
        try tmux.press("q")
        try tmux.type("/")
        try tmux.typeLine("boot line 1500 of")
        try tmux.waitFor("\"boot line 1500 of\" not found in the scrollback")
        try tmux.press("q")
        try tmux.waitUntil("the scrollback view left") { rows in
            rows.contains { $0.contains("\(title) · following") && !$0.contains("scrollback") }
        }

        // Keys typed here go nowhere; the status line says so.
        try tmux.typeLine("echo 4242-typed-\(id.suffix(4))")
        try tmux.waitFor("a log pane is read-only: keys typed here go nowhere")
        // A line the instance writes now arrives (and nothing typed ever shows).
        let marker = "marker-\(UInt32.random(in: 0...UInt32.max))"
        _ = try console.server.cli(["invoke", "logger", "-d", marker])
        screen = try tmux.waitUntil("the request's log line") { rows in
            (ScreenReading.paneText(titled: title, in: rows) ?? "").contains("request \(marker)")
        }
        XCTAssertFalse(screen.joined().contains("4242-typed"), "typed keys reached a program")
        // Nor did the log pane open a session to type into: the server's audit log names none.
        let audit = (try? String(contentsOf: console.server.stateDirectory.appendingPathComponent("audit.log"), encoding: .utf8)) ?? ""
        XCTAssertFalse(audit.contains(id), "an exec session was opened in \(id): \(audit)")

        // q (not in the scrollback view) goes back to the table; the log keeps following.
        try tmux.press("q")
        try tmux.press("d")
        try tmux.waitFor("Instance \(id) · Esc closes")
        try tmux.press("Escape")
        try tmux.waitFor("\(title) · following")

        // Closing the pane ends the request: the server lets go of the log file.
        try tmux.press("Tab")
        try tmux.press("C-a", "x")
        try tmux.waitUntil("the pane closed") { rows in !rows.contains { $0.contains(title) } }
        waitForHandles("after the pane closed", pid: console.server.pid, file: logFile) { $0 == 0 }
    }

    /// Each followed log holds a connection to the server for as long as it
    /// follows: ten log panes still leave the table refreshing (an invocation
    /// shows up in the function list) and every pane following.
    func testTenFollowedLogsLeaveTheTableRefreshing() throws {
        let console = try loggerConsole()
        let tmux = console.tmux
        let id = try console.selectedInstance()
        for _ in 0..<10 {
            try tmux.press("C-a", ":")
            try tmux.typeLine("logs \(id)")
        }
        // Ten panes side by side are too narrow for their titles: the server counts the readers.
        let logFile = console.server.stateDirectory.appendingPathComponent("logs/\(id).log")
        waitForHandles("ten log panes open", pid: console.server.pid, file: logFile) { $0 == 10 }
        _ = try console.server.cli(["invoke", "logger", "-d", "counted"])
        try tmux.waitUntil("the invocation counted in the function list") { rows in
            rows.contains { $0.range(of: "│▶logger +custom +1 +[0-9]+/2 +1│", options: .regularExpression) != nil }
        }
    }

    /// Past 50 log panes (`ConsoleApp.maxReadingLogs`), another is refused with a
    /// line saying why, so the 64 connections to the server are never all held
    /// by logs: the table keeps refreshing instead of going stale.
    func testLogPanesPastTheCapAreRefusedAndTheTableKeepsRefreshing() throws {
        let console = try loggerConsole()
        let tmux = console.tmux
        let id = try console.selectedInstance()
        let cap = 50
        let logFile = console.server.stateDirectory.appendingPathComponent("logs/\(id).log")
        for _ in 0..<cap {
            try tmux.press("C-a", ":")
            try tmux.typeLine("logs \(id)")
        }
        waitForHandles("\(cap) log panes open", pid: console.server.pid, file: logFile) { $0 == cap }
        try tmux.press("C-a", ":")
        try tmux.typeLine("logs \(id)")
        try tmux.waitUntil("the refusal on the status line") { rows in
            rows.contains { $0.contains("not opening another log: \(cap) log panes are reading already") }
        }
        waitForHandles("no more than the cap", pid: console.server.pid, file: logFile) { $0 == cap }
        _ = try console.server.cli(["invoke", "logger", "-d", "counted"])
        try tmux.waitUntil("the invocation counted in the function list") { rows in
            rows.contains { $0.range(of: "│▶logger +custom +1 +[0-9]+/2 +1│", options: .regularExpression) != nil }
        }
    }

    /// The console's resident memory, from /proc.
    private func residentKiB(_ pid: pid_t) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    /// The console's pid: the child of the shell tmux started for it.
    private func consolePID(_ tmux: TmuxConsole) throws -> pid_t {
        let shell = try tmux.shellPID()
        let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
        return try XCTUnwrap(children.split(separator: " ").compactMap { pid_t($0) }.first, "no console under the tmux shell \(shell)")
    }

    /// A log written as fast as an instance can write it: the pane follows, keys
    /// are still answered at once, and the console's memory stays bounded (the
    /// stream is pulled only as fast as the pane shows it).
    func testAFloodingLogStarvesNoKeysAndStaysBounded() throws {
        let console = try loggerConsole(code: Self.flooderCode)
        let tmux = console.tmux
        let id = try console.selectedInstance()
        let pid = try consolePID(tmux)
        try tmux.press("o")
        try tmux.waitFor("logs · \(id) · following")
        try tmux.waitFor("flood 0")
        let start = residentKiB(pid)
        // Keys while it floods: the table, the detail overlay, back, several times.
        var slowest = 0.0
        for _ in 0..<25 {
            let began = Date()
            try tmux.press("C-a", "Tab")
            try tmux.press("d")
            try tmux.waitFor("Instance \(id) · Esc closes", timeout: 30)
            try tmux.press("Escape")
            try tmux.waitUntil("the detail closed", timeout: 30) { rows in !rows.contains { $0.contains("Esc closes") } }
            slowest = max(slowest, Date().timeIntervalSince(began))
            try tmux.press("Tab")
        }
        // Still following: a line newer than the first ones seen is on screen.
        let screen = try tmux.waitUntil("the flood still arriving") { rows in
            rows.contains { $0.contains("logs · \(id) · following") } && rows.contains { $0.range(of: "flood 0*[1-9][0-9]{5,}", options: .regularExpression) != nil }
        }
        let grown = residentKiB(pid) - start
        print("log flood: slowest key round trip \(String(format: "%.2f", slowest)) s, console RSS \(start / 1024) MiB, grew \(grown / 1024) MiB")
        XCTAssertLessThan(slowest, 5, "keys waited behind the flood")
        XCTAssertLessThan(grown, 128 * 1024, "the console kept the flood in memory (the pane holds 10,000 lines of scrollback, some 20 MiB)")
        XCTAssertFalse(screen.joined().contains("ended"), "the log stopped")
    }

    /// Releasing the instance ends the followed log with a line saying so; Enter reads it again.
    func testReleasedInstanceEndsTheLogAndEnterReadsItAgain() throws {
        let console = try loggerConsole()
        let tmux = console.tmux
        let id = try console.selectedInstance()
        try tmux.typeLine(":logs \(id.prefix(8))")
        try tmux.waitFor("logs · \(id) · following")
        try tmux.waitFor("red line plain again")
        try tmux.press("C-a", ":")
        try tmux.typeLine("scale logger 0")
        let title = "logs · \(id)"
        try tmux.waitFor("\(title) · ended", timeout: 30)
        try tmux.waitUntil("the line saying why") { rows in
            (ScreenReading.paneText(titled: title, in: rows) ?? "").contains("[log ended: \(id) has ended · Enter reopens]")
        }
        // The ended instance's log is still there to read; following it ends at once. The
        // pane keeps what it showed: the log again follows a line that says so.
        try tmux.press("Enter")
        try tmux.waitFor("reading the log of \(id) again")
        // The note that says so was written with the status line; the log read again
        // scrolls it away and ends with a new line saying why.
        try tmux.waitUntil("the log read again, to its end") { rows in
            let lines = (ScreenReading.paneRows(titled: title, in: rows) ?? []).map { $0.trimmingCharacters(in: .whitespaces) }
            return !lines.contains { $0.hasPrefix("[reading the log again") }
                && lines.last(where: { !$0.isEmpty }) == "[log ended: \(id) has ended · Enter reopens]"
        }
        // In the scrollback: the first reading, its end, the note, then the second reading.
        try tmux.press("PPage")
        try tmux.type("/")
        try tmux.typeLine("red line plain again")
        try tmux.type("n")
        try tmux.waitUntil("the first reading's end, then the note") { rows in
            let lines = (ScreenReading.paneRows(titled: title, in: rows) ?? []).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let end = lines.firstIndex(of: "red line plain again"), end + 2 < lines.count else { return false }
            return lines[end + 1] == "[log ended: \(id) has ended · Enter reopens]"
                && lines[end + 2] == "[reading the log again: up to its last 1000 lines]"
        }
        try tmux.type("n")
        try tmux.waitFor("no more matches for \"red line plain again\"")
    }

    /// The console's own embedded platform: `o` on a demo instance shows what it
    /// wrote when it started.
    func testDemoInstanceLogOnTheEmbeddedPlatform() throws {
        let launch = try ConsoleLaunch()
        stops.append { launch.stop() }
        let tmux = launch.tmux
        let screen = try tmux.waitUntil("a running demo instance", timeout: 60) { rows in
            ScreenReading.selectedInstanceID(rows) != nil && ScreenReading.contains(rows, "Running")
        }
        let id = try XCTUnwrap(ScreenReading.selectedInstanceID(screen))
        try tmux.press("o")
        try tmux.waitUntil("the demo's start line") { rows in
            (ScreenReading.paneText(titled: "logs · \(id) · following", in: rows) ?? "").range(of: ": listening on port [0-9]+ as \(id)", options: .regularExpression) != nil
        }
    }

    /// The console on the fc backend, pointed at a `porthole serve --access-keys`
    /// (the server the official Function Compute SDKs are checked against).
    func testFunctionComputeSaysWhereItsLogsAre() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-fclogs-\(getpid())-\(UUID().uuidString.prefix(6))")
        let config = root.appendingPathComponent("config/porthole")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        stops.append { try? FileManager.default.removeItem(at: root) }
        let keys = root.appendingPathComponent("access-keys")
        let (keyId, secret) = ("LTAI-console-logs", "s3cret-console-logs")
        XCTAssertTrue(FileManager.default.createFile(
            atPath: keys.path, contents: Data("\(keyId) \(secret)\n".utf8), attributes: [.posixPermissions: 0o600]))
        let server = try PortholeServer(directory: root, arguments: ["--access-keys", keys.path])
        stops.append { server.stop() }
        try """
            current-context: fc-local
            contexts:
              - name: fc-local
                backend: fc
                region: cn-local
                accountId: "1234"
                endpoint: http://\(server.address)
            """.write(to: config.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8)
        let tmux = try TmuxConsole(command: [TmuxConsole.portholeBinary.path], environment: [
            "XDG_CONFIG_HOME": root.appendingPathComponent("config").path,
            "ALIBABA_CLOUD_ACCESS_KEY_ID": keyId, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": secret,
        ])
        stops.append { tmux.kill() }
        let screen = try tmux.waitUntil("a running instance on the fc context", timeout: 60) { screen in
            ScreenReading.selectedInstanceID(screen) != nil && ScreenReading.contains(screen, "Running")
        }
        let id = try XCTUnwrap(ScreenReading.selectedInstanceID(screen))
        try tmux.press("o")
        try tmux.waitFor("logs · \(id) · ended")
        // The platform's own sentence, whole, wrapped in the pane.
        let screen2 = try tmux.waitUntil("Function Compute's refusal in the pane") { rows in
            let text = ScreenReading.paneText(titled: "logs · \(id)", in: rows) ?? ""
            return text.contains("[cannot read the log of \(id): Function Compute keeps no instance logs of its own: it sends them to Simple Log Service")
        }
        XCTAssertFalse(screen2.joined().contains("could not connect"), "a refusal is not a connection failure")
    }
}
