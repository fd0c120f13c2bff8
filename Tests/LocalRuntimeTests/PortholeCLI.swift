import Foundation
import XCTest

/// The built `porthole` binary run against a test platform, as a user runs it:
/// a real process, stdin from bytes, stdout and stderr apart, a bounded wait.
struct PortholeCLI {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = packageRoot.appendingPathComponent(".build/debug/porthole")

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

    struct Result {
        var status: Int32
        var stdout: [UInt8]
        var stderr: [UInt8]
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// Runs `porthole ARGUMENTS` (plus the server arguments when `server` is set, placed
    /// before a `--` if there is one) and waits up to `timeout` seconds.
    func run(_ arguments: [String], server: Bool = true, stdin: [UInt8] = [], timeout: TimeInterval = 60) throws -> Result {
        var argv = arguments
        if server { argv.insert(contentsOf: serverArguments, at: argv.firstIndex(of: "--") ?? argv.endIndex) }
        return try Self.spawn([Self.binary.path] + argv, stdin: stdin, timeout: timeout, in: platform.directory)
    }

    /// posix_spawn and a WNOHANG poll rather than Foundation's Process, so a hung
    /// child is killed at the deadline instead of hanging the test.
    static func spawn(_ argv: [String], stdin: [UInt8] = [], environment: [String: String] = [:], timeout: TimeInterval, in directory: URL) throws -> Result {
        let stem = directory.appendingPathComponent("run-\(UUID().uuidString.prefix(8))").path
        let (inPath, outPath, errPath) = (stem + ".in", stem + ".out", stem + ".err")
        _ = FileManager.default.createFile(atPath: inPath, contents: Data(stdin))
        defer { for path in [inPath, outPath, errPath] { unlink(path) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (cArgs + cEnv).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArgs, cEnv)
        guard spawned == 0 else { throw CLIFailure("cannot start \(argv[0]): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(timeout)
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                let output = String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self)
                let errors = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
                throw CLIFailure("\(argv.joined(separator: " ")) did not finish in \(Int(timeout)) s; stdout: \(output) stderr: \(errors)")
            }
            usleep(20_000)
        }
        let exit: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let out = FileManager.default.contents(atPath: outPath) ?? Data()
        let err = FileManager.default.contents(atPath: errPath) ?? Data()
        return Result(status: exit, stdout: Array(out), stderr: Array(err))
    }
}

struct CLIFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
