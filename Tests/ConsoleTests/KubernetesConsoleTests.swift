import Foundation
import XCTest

/// The console on a porthole context with `backend: kubernetes`, against the
/// fake API server: the table shows the cluster's pods with their kind, Enter
/// on the two-container Knative pod asks which container (the annotated one
/// first), logs in there, and the pane shows the exit code.
///
/// Synchronous on purpose: tmux is started from the test's own thread, whose
/// signal mask is the ordinary one (a concurrency pool thread's blocked
/// signals would be inherited by the tmux server, which then ignores
/// kill-server).
final class KubernetesConsoleTests: XCTestCase {
    func testTableLoginIntoUserContainerAndExitCode() throws {
        let cluster = try ConsoleCluster()
        defer { cluster.stop() }
        let tmux = try TmuxConsole(command: [TmuxConsole.portholeBinary.path], environment: cluster.environment)
        defer { tmux.kill() }
        let screen = try tmux.waitUntil("the cluster's functions and the Knative pod", timeout: 60) { screen in
            ["hello", "worker", "Running"].allSatisfy { ScreenReading.contains(screen, $0) }
        }
        XCTAssertTrue(ScreenReading.contains(screen, "Instances · hello"), screen.joined(separator: "\n"))
        XCTAssertTrue(ScreenReading.contains(screen, "hello-00001-dep"), screen.joined(separator: "\n"))
        // Honest columns: the pod's real kind, and no request counts the cluster does not keep.
        let row = try XCTUnwrap(screen.first { $0.contains("hello-00001-dep") }, screen.joined(separator: "\n"))
        XCTAssertTrue(row.contains("ksvc"), row)
        XCTAssertFalse(row.contains("ond") || row.contains("0/0") || row.contains("0/1"), row)

        // Two containers: Enter asks which, on the annotated default.
        try tmux.press("Enter")
        let picker = try tmux.waitFor("which container?")
        XCTAssertTrue(ScreenReading.contains(picker, "user-container  (default)"), picker.joined(separator: "\n"))
        XCTAssertTrue(ScreenReading.contains(picker, "queue-proxy"), picker.joined(separator: "\n"))
        try tmux.press("Enter")
        try tmux.waitFor("(user-container) · shell")
        try tmux.typeLine("echo in-$FAKE_CONTAINER-$((6*7))")
        try tmux.waitFor("in-user-container-42")
        try tmux.typeLine("exit 3")
        try tmux.waitFor("exited 3")
    }

    func testContainerPickerLogsIntoTheChosenContainer() throws {
        let cluster = try ConsoleCluster()
        defer { cluster.stop() }
        // Kubernetes closes no exec session for idleness: an idle timeout is said to be ignored.
        let tmux = try TmuxConsole(
            command: [TmuxConsole.portholeBinary.path, "--idle-timeout", "60"], environment: cluster.environment)
        defer { tmux.kill() }
        try tmux.waitFor("idle timeout ignored: this platform closes no idle exec session")
        _ = try tmux.waitUntil("the Knative pod", timeout: 60) { ScreenReading.contains($0, "hello-00001-dep") }
        try tmux.press("Enter")
        try tmux.waitFor("which container?")
        // Esc logs in nowhere.
        try tmux.press("Escape")
        _ = try tmux.waitUntil("the picker closed") { !ScreenReading.contains($0, "which container?") }
        XCTAssertFalse(ScreenReading.contains(try tmux.capture(), "· shell"))
        // Down to the sidecar, Enter: a shell there.
        try tmux.press("Enter")
        try tmux.waitFor("which container?")
        try tmux.press("Down")
        try tmux.press("Enter")
        try tmux.waitFor("(queue-proxy) · shell")
        try tmux.typeLine("echo in-$FAKE_CONTAINER")
        try tmux.waitFor("in-queue-proxy")
        try tmux.typeLine("exit 0")
        try tmux.waitFor("exited 0")
    }
}
