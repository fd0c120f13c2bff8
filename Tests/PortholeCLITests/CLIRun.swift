import Foundation
import ProcessHarness

/// One finished run of the built `porthole` binary: exit status and both streams.
struct CLIRun: CustomStringConvertible {
    let arguments: [String]
    let status: Int32
    let stdout: String
    let stderr: String

    var description: String { "porthole \(arguments.joined(separator: " ")) exited \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }

    static let binary = PortholeServe.debugBinary

    struct Timeout: Error, CustomStringConvertible {
        let arguments: [String]
        var description: String { "porthole \(arguments.joined(separator: " ")) did not finish in time; it was killed" }
    }

    struct MissingBinary: Error, CustomStringConvertible {
        var description: String { "\(CLIRun.binary.path) is missing: build it with `swift build --build-tests` before `swift test --skip-build`" }
    }

    /// Runs `porthole arguments` with stdin from /dev/null and a clean config
    /// (`environment` on top); kills it after `timeout` seconds.
    static func run(_ arguments: [String], environment: [String: String], timeout: TimeInterval = 60) throws -> CLIRun {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw MissingBinary() }
        var env: [String: String?] = ["PORTHOLE_SERVER": nil, "PORTHOLE_TOKEN_FILE": nil, "PORTHOLE_CONFIG": nil]
        for (name, value) in environment { env[name] = value }
        let result: ProgramRunner.Result
        do {
            result = try ProgramRunner.run([binary.path] + arguments, environment: env, timeout: timeout)
        } catch is ProgramRunner.Failure {
            throw Timeout(arguments: arguments)
        }
        return CLIRun(arguments: arguments, status: result.status, stdout: result.stdoutText, stderr: result.stderrText)
    }
}
