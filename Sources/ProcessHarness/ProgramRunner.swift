#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Runs a program to completion with stdin from given bytes and stdout and
/// stderr kept apart, killing it at a deadline instead of hanging the caller.
///
/// posix_spawn and a WNOHANG poll rather than Foundation's Process (see
/// `CommandRunner`); the streams go through files, so a full pipe never blocks
/// the program.
public enum ProgramRunner {
    /// One finished run: exit status (128 + signal when killed) and both streams.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: [UInt8]
        public var stderr: [UInt8]
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// A program that could not start or did not finish in time.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// Runs `argv` (argv[0] a path) with `stdin` as its input and this process's
    /// environment with `environment` on top (a nil value removes a variable).
    /// Kills it after `timeout` seconds and throws `Failure` with what it wrote.
    /// Its scratch files go to `directory` (the temporary directory by default).
    public static func run(
        _ argv: [String], stdin: [UInt8] = [], environment: [String: String?] = [:],
        timeout: TimeInterval, in directory: URL = FileManager.default.temporaryDirectory
    ) throws -> Result {
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
        for (name, value) in environment { env[name] = value }
        let pid = try spawn(argv, actions: &actions, environment: env)
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(timeout)
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                let output = String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self)
                let errors = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
                throw Failure("\(argv.joined(separator: " ")) did not finish in \(Int(timeout)) s; stdout: \(output) stderr: \(errors)")
            }
            usleep(20_000)
        }
        let out = FileManager.default.contents(atPath: outPath) ?? Data()
        let err = FileManager.default.contents(atPath: errPath) ?? Data()
        return Result(status: exitCode(status), stdout: Array(out), stderr: Array(err))
    }

    /// Starts `argv` (argv[0] a path, or searched in PATH with `searchPath`) with
    /// `actions` and `environment` and an empty signal mask: run from a Swift
    /// concurrency thread, the child (and a daemon it leaves behind, such as a tmux
    /// server) would otherwise inherit blocked signals and ignore SIGTERM.
    static func spawn(
        _ argv: [String], actions: inout posix_spawn_file_actions_t, environment: [String: String], searchPath: Bool = false
    ) throws -> pid_t {
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in cArguments + cEnvironment { free(pointer) } }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let spawned = cArguments.withUnsafeBufferPointer { arguments in
            cEnvironment.withUnsafeBufferPointer { environment in
                searchPath
                    ? posix_spawnp(&pid, argv[0], &actions, &attributes, arguments.baseAddress!, environment.baseAddress!)
                    : posix_spawn(&pid, argv[0], &actions, &attributes, arguments.baseAddress!, environment.baseAddress!)
            }
        }
        guard spawned == 0 else { throw Failure("cannot start \(argv[0]): \(String(cString: strerror(spawned)))") }
        return pid
    }

    /// The shell's view of a wait status: the exit code, or 128 + the signal.
    static func exitCode(_ status: Int32) -> Int32 {
        (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }
}
