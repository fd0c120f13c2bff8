import Foundation
import XCTest

/// Starts the real `porthole` console inside tmux. With no context configured
/// (the test's XDG_CONFIG_HOME is empty) it runs the embedded demo platform.
final class ConsoleLaunch {
    let tmux: TmuxConsole

    init(arguments: [String] = [], environment: [String: String] = [:], cols: Int = 160, rows: Int = 48) throws {
        guard FileManager.default.isExecutableFile(atPath: TmuxConsole.portholeBinary.path) else {
            throw XCTSkip("build porthole first (swift build)")
        }
        tmux = try TmuxConsole(
            command: [TmuxConsole.portholeBinary.path] + arguments,
            environment: environment, cols: cols, rows: rows)
    }

    func stop() { tmux.kill() }
}
