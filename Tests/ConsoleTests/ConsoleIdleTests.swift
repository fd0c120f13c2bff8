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
        // Warned half-way through a timeout shorter than two minutes: at 4 s, not before 3.
        screen = try tmux.waitUntil("the idle warning", timeout: 15) { screen in
            self.title(screen, id).map { $0.contains("⚠ idle: closes in") } ?? false
        }
        let warnedAfter = Date().timeIntervalSince(quiet)
        XCTAssertGreaterThan(warnedAfter, 3, "warned too early")
        XCTAssertLessThan(warnedAfter, 4 + 3, "warned too late")
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
        // Instance table: the session holds the instance (EXEC 1, here marked only if on-demand).
        // Silence from now: the server closes it after 8 s, well after the first deadline.
        screen = try tmux.waitUntil("the session closed for idleness", timeout: 30) { screen in
            ScreenReading.contains(screen, "idle timeout")
        }
        XCTAssertGreaterThan(Date().timeIntervalSince(quiet), 8.5, "closed at the first deadline despite the keepalive")
        XCTAssertGreaterThan(Date().timeIntervalSince(kept), 6, "closed before the keepalive's 8 s were up")
        XCTAssertFalse(title(screen, id)?.contains("left") ?? false, "no countdown on an ended session")
    }
}
