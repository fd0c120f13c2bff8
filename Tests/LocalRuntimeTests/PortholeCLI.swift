import Foundation
import ProcessHarness
import XCTest

/// The built `porthole` binary run against a test platform, as a user runs it:
/// a real process, stdin from bytes, stdout and stderr apart, a bounded wait.
struct PortholeCLI {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = PortholeServe.debugBinary

    let platform: TestPlatform
    let tokenFile: URL

    init(platform: TestPlatform) throws {
        self.platform = platform
        tokenFile = platform.directory.appendingPathComponent("token")
        _ = FileManager.default.createFile(
            atPath: tokenFile.path, contents: Data(platform.embedded.token.value.utf8), attributes: [.posixPermissions: 0o600])
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            throw CLIFailure("\(Self.binary.path) is missing: run `swift build` before these tests")
        }
    }

    /// `--server URL --token-file FILE` for this platform.
    var serverArguments: [String] {
        ["--server", "http://\(platform.embedded.host):\(platform.embedded.port)", "--token-file", tokenFile.path]
    }

    typealias Result = ProgramRunner.Result

    /// Runs `porthole ARGUMENTS` (plus the server arguments when `server` is set, placed
    /// before a `--` if there is one) and waits up to `timeout` seconds.
    func run(_ arguments: [String], server: Bool = true, stdin: [UInt8] = [], timeout: TimeInterval = 60) throws -> Result {
        var argv = arguments
        if server { argv.insert(contentsOf: serverArguments, at: argv.firstIndex(of: "--") ?? argv.endIndex) }
        return try Self.spawn([Self.binary.path] + argv, stdin: stdin, timeout: timeout, in: platform.directory)
    }

    /// Runs `argv` to completion (see `ProgramRunner`); kills it at the deadline.
    static func spawn(_ argv: [String], stdin: [UInt8] = [], environment: [String: String] = [:], timeout: TimeInterval, in directory: URL) throws -> Result {
        do {
            return try ProgramRunner.run(argv, stdin: stdin, environment: environment.mapValues { $0 }, timeout: timeout, in: directory)
        } catch let failure as ProgramRunner.Failure {
            throw CLIFailure(failure.description)
        }
    }
}

struct CLIFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
