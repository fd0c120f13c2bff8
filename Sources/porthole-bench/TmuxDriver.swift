import Foundation

/// Drives one tmux server (its own socket) for the console benchmark: start a
/// command in a detached window, type, and read the screen.
struct TmuxDriver {
    let socket: String

    /// Runs tmux; `capture` reads its output. Never capture a command that may start
    /// the server: the daemon inherits the pipe and the read would never end.
    /// (posix_spawn + waitpid: Foundation's Process did not notice tmux exiting here.)
    @discardableResult
    func run(_ arguments: [String], capture: Bool = false) throws -> String {
        let argv = ["/usr/bin/tmux", "-L", socket] + arguments
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw BenchmarkError("pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if capture {
            posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        // An empty signal mask: called from a concurrency pool thread, tmux would otherwise
        // inherit its blocked signals and its server would ignore kill-server.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let rc = cArgs.withUnsafeBufferPointer { posix_spawn(&pid, argv[0], &actions, &attributes, $0.baseAddress!, environ) }
        close(fds[1])
        guard rc == 0 else {
            close(fds[0])
            throw BenchmarkError("cannot run tmux: \(String(cString: strerror(rc)))")
        }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while capture {
            let n = buffer.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
            if n > 0 { output += buffer[0..<n] } else if n < 0 && errno == EINTR { continue } else { break }
        }
        close(fds[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return String(decoding: output, as: UTF8.self)
    }

    func start(cols: Int, rows: Int, command: String, environment: [String: String] = [:]) throws {
        let env = environment.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        try run(["new-session", "-d", "-x", String(cols), "-y", String(rows), "\(env) \(command)"])
    }

    func keys(_ keys: String...) throws { try run(["send-keys"] + keys) }
    func literal(_ text: String) throws { try run(["send-keys", "-l", text]) }
    func screen() throws -> String { try run(["capture-pane", "-p"], capture: true) }
    func resize(cols: Int, rows: Int) throws { try run(["resize-window", "-x", String(cols), "-y", String(rows)]) }
    func kill() { _ = try? run(["kill-server"]) }

    /// Polls the screen until `predicate` holds; returns the seconds it took. Bounded by `timeout`.
    @discardableResult
    func wait(timeout: Double, interval: useconds_t = 2_000, _ predicate: (String) -> Bool) throws -> Double {
        let start = now()
        while now() - start < timeout {
            if predicate(try screen()) { return now() - start }
            usleep(interval)
        }
        throw BenchmarkError("tmux screen did not show what was expected within \(timeout) s:\n\(try screen())")
    }
}
