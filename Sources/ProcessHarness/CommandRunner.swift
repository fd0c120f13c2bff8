#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Runs a short command to completion and returns its output (stdout and
/// stderr together).
///
/// posix_spawn and waitpid rather than Foundation's Process: a daemon the
/// command forks (a tmux server) inherits what Process uses to notice the
/// exit, so Process would wait for the daemon, not the command. Output goes to
/// a file for the same reason (a pipe would never reach EOF).
public enum CommandRunner {
    /// A command that could not run or exited non-zero.
    public struct Failure: Error, CustomStringConvertible {
        public let argv: [String]
        public let status: Int32
        public let output: String
        public var description: String { "\(argv.joined(separator: " ")) exited \(status): \(output)" }

        public init(argv: [String], status: Int32, output: String) {
            self.argv = argv
            self.status = status
            self.output = output
        }
    }

    /// Runs `argv` (argv[0] searched in PATH) with stdin from /dev/null.
    /// Throws `Failure` when it cannot start or exits non-zero (unless `allowFailure`).
    @discardableResult
    public static func run(_ argv: [String], allowFailure: Bool = false) throws -> String {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-run-\(UUID().uuidString)").path
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let pid: pid_t
        do {
            pid = try ProgramRunner.spawn(argv, actions: &actions, environment: ProcessInfo.processInfo.environment, searchPath: true)
        } catch let failure as ProgramRunner.Failure {
            throw Failure(argv: argv, status: -1, output: failure.description)
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exitCode = ProgramRunner.exitCode(status)
        if exitCode != 0 && !allowFailure {
            throw Failure(argv: argv, status: exitCode, output: text)
        }
        return text
    }

    /// This process's environment as C strings for posix_spawn, nil-terminated
    /// (the caller frees them).
    public static func environmentStrings() -> [UnsafeMutablePointer<CChar>?] {
        ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    }

    /// The full path of `program` in PATH, or nil.
    public static func which(_ program: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(program)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Quotes `text` for sh.
    public static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
