import CShims
import Foundation

/// How a child process ended.
public enum ProcessTermination: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    /// The shell convention: a signal N reads as 128+N.
    public var exitCode: Int32 {
        switch self {
        case .exited(let code): return code
        case .signaled(let signal): return 128 + signal
        }
    }

    public var description: String {
        switch self {
        case .exited(let code): return "exited with code \(code)"
        case .signaled(let signal): return "killed by signal \(signal)\(signalName(signal).map { " (\($0))" } ?? "")"
        }
    }

    private func signalName(_ signal: Int32) -> String? {
        [1: "SIGHUP", 2: "SIGINT", 9: "SIGKILL", 11: "SIGSEGV", 15: "SIGTERM", 6: "SIGABRT"][signal]
    }
}

/// A process porthole started, in its own session (so its process group id is
/// its pid and a signal can reach all its children at once).
///
/// `@unchecked Sendable`: `termination` and `exitHandlers`, its only mutable
/// state, are read and written only while `lock` is held; `pid` is a constant.
final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    private let lock = NSLock()
    private var termination: ProcessTermination?
    private var exitHandlers: [@Sendable (ProcessTermination) -> Void] = []

    private init(pid: pid_t) {
        self.pid = pid
        // waitpid blocks, so each child gets a small thread that waits for it.
        let thread = Thread { [self] in self.reap() }
        thread.stackSize = 64 * 1024
        thread.name = "porthole-wait-\(pid)"
        thread.start()
    }

    // Every spawn closes all descriptors above 2 in the child; `passing` (-1: none)
    // is the one exception, handed over as fd 3 (porthole-init's lifeline).

    /// Spawns `argv` with the given file descriptors as stdin/stdout/stderr.
    static func spawn(argv: [String], environment: [String: String], directory: String?, stdin: Int32, stdout: Int32, stderr: Int32, passing: Int32 = -1) throws -> ChildProcess {
        let pid = try withCStrings(argv: argv, environment: environment) { argvPointer, envPointer in
            porthole_spawn_fds(argv[0], argvPointer, envPointer, directory, stdin, stdout, stderr, passing)
        }
        return ChildProcess(pid: pid)
    }

    /// Spawns `argv` on a new pty; returns the process and the master fd. With
    /// `controlling` false the child gets the pty without it being its controlling
    /// terminal (porthole-init --tty makes it so for the command it starts).
    static func spawnPTY(argv: [String], environment: [String: String], directory: String?, size: (cols: Int, rows: Int), passing: Int32 = -1, controlling: Bool = true) throws -> (ChildProcess, Int32) {
        var master: Int32 = -1
        let pid = try withCStrings(argv: argv, environment: environment) { argvPointer, envPointer in
            porthole_spawn_pty_with(argv[0], argvPointer, envPointer, directory, UInt16(size.cols), UInt16(size.rows), passing, controlling ? 1 : 0, &master)
        }
        return (ChildProcess(pid: pid), master)
    }

    /// Spawns `argv` with three pipes; returns the process and the parent ends (stdin, stdout, stderr).
    static func spawnPipes(argv: [String], environment: [String: String], directory: String?, passing: Int32 = -1) throws -> (ChildProcess, Int32, Int32, Int32) {
        var input: Int32 = -1, output: Int32 = -1, errors: Int32 = -1
        let pid = try withCStrings(argv: argv, environment: environment) { argvPointer, envPointer in
            porthole_spawn_pipes(argv[0], argvPointer, envPointer, directory, passing, &input, &output, &errors)
        }
        return (ChildProcess(pid: pid), input, output, errors)
    }

    private static func withCStrings(argv: [String], environment: [String: String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>, UnsafePointer<UnsafeMutablePointer<CChar>?>) -> pid_t) throws -> pid_t {
        let args = argv.map { strdup($0) } + [nil]
        let env = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            args.forEach { free($0) }
            env.forEach { free($0) }
        }
        let pid = args.withUnsafeBufferPointer { a in env.withUnsafeBufferPointer { e in body(a.baseAddress!, e.baseAddress!) } }
        if pid < 0 {
            let code = errno
            if code == ENOENT { throw SpawnError.notFound(argv[0]) }
            throw SpawnError.failed(argv[0], String(cString: strerror(code)))
        }
        return pid
    }

    private func reap() {
        var status: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(pid, &status, 0) } while result < 0 && errno == EINTR
        let ended: ProcessTermination
        if result < 0 {
            ended = .exited(-1)
        } else if status & 0x7f == 0 {
            ended = .exited((status >> 8) & 0xff)
        } else {
            ended = .signaled(status & 0x7f)
        }
        lock.lock()
        termination = ended
        let handlers = exitHandlers
        exitHandlers = []
        lock.unlock()
        for handler in handlers { handler(ended) }
    }

    /// Calls `handler` (on the waiting thread, or at once if already ended) when the process ends.
    func onExit(_ handler: @escaping @Sendable (ProcessTermination) -> Void) {
        lock.lock()
        if let termination {
            lock.unlock()
            handler(termination)
            return
        }
        exitHandlers.append(handler)
        lock.unlock()
    }

    var hasExited: Bool {
        lock.lock()
        defer { lock.unlock() }
        return termination != nil
    }

    /// Signals the whole process group (the child and everything it started).
    func signalGroup(_ signal: Int32) {
        guard !hasExited else { return }
        if kill(-pid, signal) != 0 { kill(pid, signal) }
    }

    /// SIGTERM to the group, then SIGKILL after `grace` if it is still there.
    /// Under porthole-init the SIGTERM is forwarded to the command's own group.
    func stop(grace: TimeInterval) {
        signalGroup(SIGTERM)
        DispatchQueue.global().asyncAfter(deadline: .now() + grace) { [self] in
            // porthole-init's command leads a group of its own: take that down first,
            // while the init is still there to find it by.
            if !hasExited, let command = Isolation.namespaceInit(of: pid) { kill(-command, SIGKILL) }
            // The group may outlive its leader (a daemonised child): kill it too.
            kill(-pid, SIGKILL)
        }
    }
}

enum SpawnError: Error, CustomStringConvertible {
    case notFound(String)
    case failed(String, String)
    case initMissing

    var description: String {
        switch self {
        case .initMissing:
            return "\(InitProgram.name) was not found next to this program or on PATH, and this program's own path is unknown; install porthole-init beside the porthole binary"
        case .notFound(let name): return "\(name): command not found"
        case .failed(let name, let reason): return "cannot start \(name): \(reason)"
        }
    }
}
