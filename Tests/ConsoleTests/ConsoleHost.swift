import Console
import Foundation
import Platform
import XCTest

/// Until `porthole` with no subcommand opens the console, tmux runs this test to
/// put a real `ConsoleApp` on a real terminal, talking to a `porthole serve`
/// given by PORTHOLE_HOST_SERVER (host:port) and PORTHOLE_HOST_TOKEN_FILE.
/// Skipped in a normal `swift test`.
final class ConsoleHost: XCTestCase {
    func testRunConsole() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let server = environment["PORTHOLE_HOST_SERVER"], let tokenFile = environment["PORTHOLE_HOST_TOKEN_FILE"] else {
            throw XCTSkip("only run by the tmux harness")
        }
        let parts = server.split(separator: ":")
        let token = try AccessToken.read(from: URL(fileURLWithPath: tokenFile))
        let backend = PortholeServerBackend(host: String(parts[0]), port: Int(parts[1])!, token: token, displayName: "local \(server)")
        let options = ConsoleOptions(themeName: environment["PORTHOLE_HOST_THEME"] ?? "dark", refreshInterval: 1)
        try ConsoleApp(backend: backend, options: options).run()
    }
}
