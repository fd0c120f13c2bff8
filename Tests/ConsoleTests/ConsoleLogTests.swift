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
