import Foundation
import XCTest

/// Starts the real `porthole` console inside tmux. With no context configured
/// (the test's XDG_CONFIG_HOME is empty) it runs the embedded demo platform.
final class ConsoleLaunch {
    let tmux: TmuxConsole

    init(arguments: [String] = [], environment: [String: String] = [:], cols: Int = 160, rows: Int = 48) throws {
        // A missing binary is a failure, not a skip: these tests exist to run it.
        guard FileManager.default.isExecutableFile(atPath: TmuxConsole.portholeBinary.path) else {
            throw MissingBinary(path: TmuxConsole.portholeBinary.path)
        }
        tmux = try TmuxConsole(
            command: [TmuxConsole.portholeBinary.path] + arguments,
            environment: environment, cols: cols, rows: rows)
    }

    func stop() { tmux.kill() }

    struct MissingBinary: Error, CustomStringConvertible {
        let path: String
        var description: String { "\(path) is missing: build it with `swift build --build-tests` before `swift test --skip-build`" }
    }
}
