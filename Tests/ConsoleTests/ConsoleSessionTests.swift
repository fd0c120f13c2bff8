import Foundation
import XCTest

/// The console driven through tmux as a user drives it, on the embedded demo
/// platform of the real `porthole` binary.
final class ConsoleSessionTests: ConsoleTestCase {
    func testShowsDemoFunctionsAndTheirInstances() throws {
        let screen = try tmux.capture()
        XCTAssertTrue(screen[0].contains("porthole ▸ local (embedded)"), screen[0])
        XCTAssertTrue(ScreenReading.contains(screen, "Instances · cpu-burner"))
        for column in ["ID", "STATUS", "KIND", "AGE", "IDLE", "CPU%", "MEM", "REQ", "EXEC"] {
            XCTAssertTrue(ScreenReading.contains(screen, column), "missing column \(column)")
        }
        // Choosing another function shows its instances: hello keeps two provisioned ones.
        try tmux.press("Right")
        try tmux.press("Right")
        let hello = try tmux.waitFor("Instances · hello")
        let ids = Set(hello.flatMap { ScreenReading.instanceIDs(in: $0) })
        XCTAssertGreaterThanOrEqual(ids.count, 2, hello.joined(separator: "\n"))
    }

    func testLoginPrintsTheInstanceIdInThePane() throws {
        let id = try loginSelected()
        try tmux.typeLine("echo \"id=[$FC_INSTANCE_ID]\"")
        try tmux.waitFor("id=[\(id)]")
        // The pane sits below the tables and is titled with function and instance.
        let screen = try tmux.capture()
        let titleRow = try XCTUnwrap(screen.firstIndex { $0.contains("cpu-burner / \(id) · shell") })
        let tableRow = try XCTUnwrap(screen.firstIndex { $0.contains("Instances · cpu-burner") })
        XCTAssertGreaterThan(titleRow, tableRow)
    }

    func testTwoPanesEachSeeOnlyTheirOwnOutput() throws {
        let first = try loginSelected()
        try tmux.press("C-a", "Tab")
        try tmux.press("Right")  // env-printer
        try tmux.waitFor("Instances · env-printer")
        let second = try loginSelected()
        XCTAssertNotEqual(first, second)
        let halfway = tmux.cols / 2

        try tmux.typeLine("echo right-$((6*7))")
        var screen = try tmux.waitFor("right-42")
        XCTAssertTrue(ScreenReading.contains(ScreenReading.columns(screen, halfway..<tmux.cols), "right-42"))
        XCTAssertFalse(ScreenReading.contains(ScreenReading.columns(screen, 0..<halfway), "right-42"))

        try tmux.press("C-a", "Left")
        try tmux.typeLine("echo left-$((7*8))")
        screen = try tmux.waitFor("left-56")
        XCTAssertTrue(ScreenReading.contains(ScreenReading.columns(screen, 0..<halfway), "left-56"))
        XCTAssertFalse(ScreenReading.contains(ScreenReading.columns(screen, halfway..<tmux.cols), "left-56"))
        // Each pane answers with its own instance's id.
        try tmux.typeLine("echo \"who=[$FC_INSTANCE_ID]\"")
        screen = try tmux.waitFor("who=[\(first)]")
        XCTAssertFalse(ScreenReading.contains(screen, "who=[\(second)]"))
    }

    func testSynchronizedInputReachesMarkedPanes() throws {
        try loginSelected()
        try tmux.press("C-a", "Tab")
        try tmux.press("Right")
        try tmux.waitFor("Instances · env-printer")
        try loginSelected()
        let halfway = tmux.cols / 2

        try tmux.press("C-a", "s")
        try tmux.waitFor("⇶ sync")
        try tmux.typeLine("echo both-$((2+3))")
        try tmux.waitUntil("both-5 in both panes") { screen in
            ScreenReading.contains(ScreenReading.columns(screen, 0..<halfway), "both-5")
                && ScreenReading.contains(ScreenReading.columns(screen, halfway..<self.tmux.cols), "both-5")
        }

        try tmux.press("C-a", "s")
        try tmux.waitFor("synchronized input off")
        try tmux.typeLine("echo alone-$((3+4))")
        let screen = try tmux.waitFor("alone-7")
        XCTAssertFalse(ScreenReading.contains(screen, "⇶ sync"))
        XCTAssertTrue(ScreenReading.contains(ScreenReading.columns(screen, halfway..<tmux.cols), "alone-7"))
        XCTAssertFalse(ScreenReading.contains(ScreenReading.columns(screen, 0..<halfway), "alone-7"))
    }

    func testExitShowsTheExitCode() throws {
        let id = try loginSelected()
        try tmux.typeLine("exit 7")
        let screen = try tmux.waitFor("/ \(id) · shell · exited 7")
        XCTAssertTrue(ScreenReading.contains(screen, "command exited with code 7"), screen.joined(separator: "\n"))
        // Enter reconnects while the instance is live.
        try tmux.press("Enter")
        try tmux.typeLine("echo again-$((5*5))")
        try tmux.waitFor("again-25")
    }

    func testRunCommandShowsOutputAndExitCode() throws {
        try tmux.press("x")
        try tmux.waitFor("run in c-")
        try tmux.typeLine("echo out-$((8*8)); exit 3")
        let screen = try tmux.waitFor("command exited with code 3")
        XCTAssertTrue(ScreenReading.contains(screen, "out-64"))
        XCTAssertTrue(ScreenReading.contains(screen, "exited 3"))
    }

    func testReleasedInstanceEndsItsSession() throws {
        try tmux.press("Right")  // env-printer keeps one provisioned instance
        try tmux.waitFor("Instances · env-printer")
        let id = try loginSelected()
        try tmux.press("C-a", ":")
        try tmux.typeLine("scale env-printer 0")
        try tmux.waitFor("/ \(id) · shell · instance released")
    }

    func testResizeRelaysOutAndShellsSeeTheNewSize() throws {
        try loginSelected()
        try tmux.typeLine("stty size")
        let before = try XCTUnwrap(Self.paneSize(cols: tmux.cols, rows: tmux.rows))
        try tmux.waitFor("\(before.rows) \(before.cols)")

        try tmux.resize(cols: 120, rows: 40)
        let after = try XCTUnwrap(Self.paneSize(cols: 120, rows: 40))
        try tmux.waitUntil("the console redrawn at 120 columns") { screen in
            screen.first.map { Array($0).count <= 120 } == true && screen.contains { $0.hasSuffix("┐") && Array($0).count == 120 }
        }
        try tmux.typeLine("stty size")
        try tmux.waitFor("\(after.rows) \(after.cols)")
    }

    /// The size of a single pane's content on a screen of this size, from the console's own layout rules.
    static func paneSize(cols: Int, rows: Int) -> (cols: Int, rows: Int)? {
        // Header and status line take two rows; with panes open the tables keep 35% of the rest.
        let body = rows - 2
        let tables = min(body, max(6, body * 35 / 100))
        return (cols - 2, body - tables - 2)
    }

    func testFullScreenProgramDrawsInThePaneAndRestoresOnExit() throws {
        try loginSelected()
        try tmux.typeLine("clear; echo before-$((9*9))")
        try tmux.waitFor("before-81")
        try tmux.typeLine("vi /tmp/porthole-console-test-\(getpid()).txt")
        try tmux.waitUntil("vi's empty-line tildes") { screen in screen.filter { $0.contains("│~ ") }.count >= 10 }
        try tmux.type("ihello-from-vi")
        try tmux.press("Escape")
        try tmux.waitFor("hello-from-vi")
        try tmux.type(":q!")
        try tmux.press("Enter")
        let screen = try tmux.waitUntil("the shell screen back") { screen in
            ScreenReading.contains(screen, "before-81") && screen.filter { $0.contains("│~ ") }.isEmpty
        }
        XCTAssertFalse(ScreenReading.contains(screen, "hello-from-vi"))
    }

    func testThemeSwitchChangesColours() throws {
        // The header's background: dark's "#262626" and light's "#dadada" as xterm-256 colours.
        let darkHeader = "48;5;235"
        let lightHeader = "48;5;253"
        var screen = try tmux.capture(escapes: true)
        XCTAssertTrue(screen[0].contains(darkHeader), screen[0])
        try tmux.press(":")
        try tmux.typeLine("theme light")
        screen = try tmux.waitUntil("the light header", escapes: true) { $0.first?.contains(lightHeader) == true }
        XCTAssertFalse(screen[0].contains(darkHeader))
        // A missing theme is an error on the status line, and the theme stays.
        try tmux.press(":")
        try tmux.typeLine("theme no-such-theme")
        try tmux.waitFor("no theme named no-such-theme")
        XCTAssertTrue(try tmux.capture(escapes: true)[0].contains(lightHeader))
    }

    func testQuitAsksWhenSessionsAreOpenAndLeavesNoProcesses() throws {
        try loginSelected()
        let shell = try tmux.shellPID()
        let descendantsBefore = Self.descendants(of: shell)
        XCTAssertFalse(descendantsBefore.isEmpty)
        try tmux.press("C-a", "Tab")
        try tmux.press("q")
        try tmux.waitFor("Quit porthole?")
        try tmux.press("n")
        try tmux.waitUntil("the question gone") { !ScreenReading.contains($0, "Quit porthole?") }
        try tmux.press("q")
        try tmux.waitFor("Quit porthole?")
        try tmux.press("y")
        try tmux.waitFor("CONSOLE-EXITED", timeout: 30)
        XCTAssertEqual(tmux.exitStatus, 0)
        // porthole, its instances and the shells in them are all gone; only tmux's sleep is left.
        let left = Self.descendants(of: shell).filter { pid in
            let command = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
            return !command.hasPrefix("sleep")
        }
        XCTAssertEqual(left, [], "processes left after quitting")
    }

    /// Every process below `pid`, from /proc.
    static func descendants(of root: pid_t) -> [pid_t] {
        var children: [pid_t: [pid_t]] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = pid_t(fields[1]) { children[parent, default: []].append(pid) }
        }
        var result: [pid_t] = []
        var queue = [root]
        while let next = queue.popLast() {
            for child in children[next] ?? [] {
                result.append(child)
                queue.append(child)
            }
        }
        return result.sorted()
    }
}
