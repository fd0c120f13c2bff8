import Foundation
import XCTest

/// Idle awareness through tmux: a pane's title counts down to its session's
/// idleTimeout (`--idle-timeout`), warns at the right time, the keepalive key
/// restarts the clock on the real server, and silence then ends the session.
final class ConsoleIdleTests: ConsoleTestCase {
    override func setUpWithError() throws {
        console = try ConsoleLaunch(arguments: ["--idle-timeout", "8"])
        try tmux.waitUntil("the demo functions and a running instance", timeout: 60) { screen in
            ["cpu-burner", "env-printer", "hello", "Running"].allSatisfy { ScreenReading.contains(screen, $0) }
        }
    }

    private func title(_ screen: [String], _ id: String) -> String? {
        screen.first { $0.contains("/ \(id) · shell") }
    }

    func testTitleCountsDownWarnsAtTheRightTimeAndKeepaliveRestartsTheClock() throws {
        let id = try loginSelected()
        // The last data was the answer loginSelected waited for: the clock starts about now.
        let quiet = Date()
        var screen = try tmux.waitUntil("a countdown in the title") { screen in
            self.title(screen, id).map { $0.contains("s left") } ?? false
        }
        XCTAssertFalse(title(screen, id)!.contains("⚠"), title(screen, id)!)
        // Warned half-way through a timeout shorter than two minutes: at 4 s (bounds allow a slow capture).
        screen = try tmux.waitUntil("the idle warning", timeout: 15) { screen in
            self.title(screen, id).map { $0.contains("⚠ idle: closes in") } ?? false
        }
        let warnedAfter = Date().timeIntervalSince(quiet)
        XCTAssertGreaterThan(warnedAfter, 2, "warned too early")
        XCTAssertLessThan(warnedAfter, 4 + 4, "warned too late")
        XCTAssertTrue(ScreenReading.contains(screen, "\(id): the session closes in"), screen.joined(separator: "\n"))
        XCTAssertTrue(ScreenReading.contains(screen, "C-a k keeps it open"))

        // The keepalive restarts the clock on the server too: the session outlives the first deadline.
        try tmux.press("C-a", "k")
        try tmux.waitFor("keepalive sent")
        try tmux.waitUntil("the warning gone") { screen in
            self.title(screen, id).map { !$0.contains("⚠") && $0.contains("s left") } ?? false
        }
        let kept = Date()
        XCTAssertLessThan(kept.timeIntervalSince(quiet), 8, "the keepalive went before the first deadline")
        // Silence from now: the server closes it after 8 s, well after the first deadline.
        screen = try tmux.waitUntil("the session closed for idleness", timeout: 30) { screen in
            ScreenReading.contains(screen, "idle timeout")
        }
        XCTAssertGreaterThan(Date().timeIntervalSince(quiet), 8.5, "closed at the first deadline despite the keepalive")
        XCTAssertGreaterThan(Date().timeIntervalSince(kept), 6, "closed before the keepalive's 8 s were up")
        XCTAssertFalse(title(screen, id)?.contains("left") ?? false, "no countdown on an ended session")
    }
}

/// The instance table's marker against a real `porthole serve`: an on-demand
/// instance (started by an invocation) with a session open in it is marked as
/// kept alive; a provisioned one is not, since it is never released as idle.
final class ConsoleKeptAliveTests: XCTestCase {
    private var server: PortholeServer?
    private var console: ConsoleLaunch?

    override func tearDown() {
        console?.stop()
        server?.stop()
    }

    func testAnOnDemandInstanceWithASessionIsMarkedKeptAlive() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-kept-\(getpid())-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        let demo = TmuxConsole.packageRoot.appendingPathComponent("Sources/LocalRuntime/Demo/hello").path
        let spec = directory.appendingPathComponent("functions.yaml")
        try """
            functions:
              - functionName: ondemand
                code: \(demo)
                customRuntimeConfig: {command: [python3, server.py], port: 9000}
                provisioned: 0
                idleTimeout: 600
              - functionName: steady
                code: \(demo)
                customRuntimeConfig: {command: [python3, server.py], port: 9000}
                provisioned: 1
            """.write(to: spec, atomically: true, encoding: .utf8)
        let server = try PortholeServer(directory: directory, arguments: ["--config", spec.path])
        self.server = server
        _ = try server.cli(["invoke", "ondemand"])      // starts the on-demand instance
        let console = try ConsoleLaunch(arguments: ["--server", "http://\(server.address)", "--token-file", server.tokenFile.path,
                                                    "--refresh", "0.5", "--idle-timeout", "600"])
        self.console = console
        let tmux = console.tmux
        try tmux.waitFor("Instances · ondemand", timeout: 30)
        var screen = try tmux.waitUntil("the on-demand instance running", timeout: 30) { ScreenReading.contains($0, "Running") }
        let id = try XCTUnwrap(ScreenReading.selectedInstanceID(screen))
        XCTAssertFalse(row(screen, id).contains("*"), "no session yet: nothing keeps it: \(row(screen, id))")
        try tmux.press("Enter")
        try tmux.waitFor("/ \(id) · shell")
        try tmux.typeLine("echo kept-$((5*5))")
        try tmux.waitFor("kept-25")
        screen = try tmux.waitUntil("EXEC 1* on the on-demand instance") { screen in
            self.row(screen, id).contains(" 1*")
        }
        XCTAssertTrue(ScreenReading.contains(screen, "· idle 10m left"), "the pane counts down from --idle-timeout 600")
        // A provisioned instance with a session is not marked.
        try tmux.press("C-a", "Tab")
        try tmux.press("Right")
        try tmux.waitFor("Instances · steady")
        screen = try tmux.waitUntil("steady's instance", timeout: 30) { ScreenReading.contains($0, "Running") }
        let steady = try XCTUnwrap(ScreenReading.selectedInstanceID(screen))
        try tmux.press("Enter")
        try tmux.waitFor("/ \(steady) · shell")
        try tmux.typeLine("echo steady-$((6*6))")
        try tmux.waitFor("steady-36")
        try tmux.press("C-a", "Tab")
        screen = try tmux.waitUntil("steady's EXEC at 1") { screen in
            let line = self.row(screen, steady)
            return line.range(of: #"\s1\*?\s*│?\s*$"#, options: .regularExpression) != nil
        }
        XCTAssertFalse(row(screen, steady).contains("*"), "provisioned: never released as idle: \(row(screen, steady))")
    }

    private func row(_ screen: [String], _ id: String) -> String {
        screen.first { $0.contains(id) && !$0.contains("/ \(id)") } ?? ""
    }
}
