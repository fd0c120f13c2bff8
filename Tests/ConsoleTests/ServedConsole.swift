import Foundation
import ProcessHarness
import XCTest

/// The console on a real `porthole serve` (the demo functions), started in its
/// own working directory (where downloads land by default) with its own
/// config directory (for actions.yaml); `exec` reaches into an instance with
/// the CLI, to set up and check files there independently of the console.
final class ServedConsole {
    let server: PortholeServer
    let tmux: TmuxConsole
    /// The console's current directory.
    let work: URL
    let root: URL

    /// `prepare` writes what the server needs into the test's directory (a spec
    /// and its code) and returns extra `porthole serve` arguments (`--config FILE`).
    init(actionsYAML: String? = nil, prepare: ((URL) throws -> [String])? = nil) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-served-\(getpid())-\(UUID().uuidString.prefix(6))")
        work = root.appendingPathComponent("work")
        let config = root.appendingPathComponent("config")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: config.appendingPathComponent("porthole"), withIntermediateDirectories: true)
        if let actionsYAML {
            try actionsYAML.write(to: config.appendingPathComponent("porthole/actions.yaml"), atomically: true, encoding: .utf8)
        }
        server = try PortholeServer(directory: root, arguments: try prepare?(root) ?? [])
        let q = TmuxConsole.quote
        let line = "cd \(q(work.path)) && exec \(q(TmuxConsole.portholeBinary.path)) --server \(q("http://\(server.address)")) "
            + "--token-file \(q(server.tokenFile.path))"
        do {
            tmux = try TmuxConsole(command: ["/bin/sh", "-c", line], environment: ["XDG_CONFIG_HOME": config.path])
        } catch {
            server.stop()
            throw error
        }
    }

    func stop() {
        tmux.kill()
        server.stop()
        try? FileManager.default.removeItem(at: root)
    }

    /// Waits for the first function's running instance; returns its id.
    func selectedInstance(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let screen = try tmux.waitUntil("a running instance", timeout: 60, file: file, line: line) { screen in
            ScreenReading.selectedInstanceID(screen) != nil && ScreenReading.contains(screen, "Running")
        }
        return try XCTUnwrap(ScreenReading.selectedInstanceID(screen), file: file, line: line)
    }

    /// Runs `script` with sh in the instance through `porthole exec`; returns its output.
    @discardableResult
    func exec(_ id: String, _ script: String) throws -> String {
        try CommandRunner.run([
            TmuxConsole.portholeBinary.path, "exec", "--server", "http://\(server.address)", "--token-file", server.tokenFile.path,
            id, "--", "/bin/sh", "-c", script,
        ])
    }

    /// The SHA-256 of a local file, by sha256sum.
    static func sha256(_ path: String) throws -> String {
        String(try CommandRunner.run(["sha256sum", path]).prefix(64))
    }
}
