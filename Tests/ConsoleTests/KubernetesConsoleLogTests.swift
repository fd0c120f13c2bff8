import Foundation
import XCTest

/// Log panes on a `backend: kubernetes` context against the fake API server
/// (its pods/log held to `kubectl logs`): `o` on the two-container Knative
/// pod asks which container, as login does; `p` on a crash-looping pod shows
/// the run that crashed, read to its end.
///
/// Synchronous on purpose, as `KubernetesConsoleTests` (tmux's signal mask).
final class KubernetesConsoleLogTests: XCTestCase {
    /// What `PlatformBackend`'s default `streamLogs` says.
    private static let noLogs = "keeps no instance logs porthole can read"

    func testContainerPickerAndThePreviousRunsLog() throws {
        let cluster = try ConsoleCluster()
        defer { cluster.stop() }
        let tmux = try TmuxConsole(command: [TmuxConsole.portholeBinary.path], environment: cluster.environment)
        defer { tmux.kill() }
        let pod = "hello-00001-deployment-7d9f8c6b5-abcde"
        _ = try tmux.waitUntil("the Knative pod", timeout: 60) { ScreenReading.contains($0, "hello-00001-dep") }
        try tmux.press("o")
        let picker = try tmux.waitFor("read the log of which container?")
        XCTAssertTrue(ScreenReading.contains(picker, "user-container  (default)"), picker.joined(separator: "\n"))
        try tmux.press("Down")
        try tmux.press("Enter")
        let sidecar = "logs · \(pod) (queue-proxy)"
        let screen = try tmux.waitUntil("the sidecar's log") { rows in
            let text = ScreenReading.paneText(titled: sidecar, in: rows) ?? ""
            return text.contains(#""message":"Starting http server metrics:9090"}"#) || text.contains(Self.noLogs)
        }
        if (ScreenReading.paneText(titled: sidecar, in: screen) ?? "").contains(Self.noLogs) {
            // PlatformBackend's default refusal: this build's Kubernetes backend reads no pods/log yet.
            throw XCTSkip("the Kubernetes backend in this build has no streamLogs (h-logs-kube not merged)")
        }
        XCTAssertTrue(ScreenReading.contains(screen, "\(sidecar) · following"), screen.joined(separator: "\n"))
        // From the table again: Enter on the picker's default, the user container.
        try tmux.press("C-a", "Tab")
        try tmux.press("o")
        try tmux.waitFor("read the log of which container?")
        try tmux.press("Enter")
        let user = "logs · \(pod) (user-container)"
        try tmux.waitFor("\(user) · following")
        try tmux.waitUntil("the user container's log") { rows in
            (ScreenReading.paneText(titled: user, in: rows) ?? "").contains("helloworld: listening on port 8080")
        }

        // worker-0 crash-loops: p shows its last run, which ends where it crashed.
        try tmux.press("C-a", "Tab")
        try tmux.typeLine(":logs -p worker-0")
        let previous = "logs (previous) · worker-0"
        try tmux.waitFor("\(previous) · ended")
        try tmux.waitUntil("the crashed run's log and its end") { rows in
            let text = ScreenReading.paneText(titled: previous, in: rows) ?? ""
            return text.contains("panic: dial tcp 10.96.0.12:6379: connect: connection refused")
                && text.contains("[end of the log · Enter reads it again]")
        }
    }
}
