#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// One tmux server on its own socket, for tests and benchmarks: start a command
/// in a detached session of a fixed size, type at it with `send-keys`, read it
/// with `capture-pane`, and end it — by the server's pid and everything under
/// it, since `tmux kill-server` through the socket has left panes running.
public final class TmuxDriver: @unchecked Sendable {
    /// The socket name (`tmux -L`).
    public let socket: String
    /// The session `start` created; commands target it.
    public private(set) var session: String?
    private let registry: ProcessRegistry?
    private let lock = NSLock()
    private var serverPid: pid_t?

    /// `registry`: where the server's pid is recorded when it starts (a benchmark's
    /// registry ends it with everything else).
    public init(socket: String, registry: ProcessRegistry? = nil) {
        self.socket = socket
        self.registry = registry
    }

    /// Runs one tmux command on this server; returns its output.
    @discardableResult
    public func run(_ arguments: [String]) throws -> String {
        try CommandRunner.run(["tmux", "-L", socket] + arguments)
    }

    /// Starts the server with `command` (a shell line) in a detached session of
    /// `cols`×`rows`; `config` is a tmux.conf for the server.
    public func start(session name: String, cols: Int, rows: Int, command: String, config: String? = nil) throws {
        guard CommandRunner.which("tmux") != nil else {
            throw CommandRunner.Failure(argv: ["tmux"], status: 127, output: "tmux is not installed (apt-get install tmux)")
        }
        var arguments: [String] = []
        if let config { arguments += ["-f", config] }
        arguments += ["new-session", "-d", "-s", name, "-x", String(cols), "-y", String(rows), command]
        try run(arguments)
        lock.withLock { session = name }
        if let pid = queryServerPid() {
            lock.withLock { serverPid = pid }
            registry?.record(pid, as: "tmux server -L \(socket)")
        }
    }

    /// The server's pid, as tmux reports it.
    public var serverPID: pid_t? { lock.withLock { serverPid } ?? queryServerPid() }

    private func queryServerPid() -> pid_t? {
        (try? run(["display-message", "-p", "#{pid}"])).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    private var target: [String] { lock.withLock { session }.map { ["-t", $0] } ?? [] }

    /// Sends tmux key names: "Enter", "C-a", "Escape", "Left", "Tab".
    public func keys(_ keys: [String]) throws { try run(["send-keys"] + target + keys) }
    public func keys(_ keys: String...) throws { try self.keys(keys) }

    /// Types text literally.
    public func literal(_ text: String) throws { try run(["send-keys"] + target + ["-l", text]) }

    /// The screen as text (with `escapes`, SGR sequences included).
    public func capture(escapes: Bool = false) throws -> String {
        try run(["capture-pane", "-p"] + (escapes ? ["-e"] : []) + target)
    }

    /// Resizes the session's window.
    public func resize(cols: Int, rows: Int) throws {
        try run(["resize-window"] + target + ["-x", String(cols), "-y", String(rows)])
    }

    /// Polls the screen every `interval` µs until `predicate` holds; returns the
    /// seconds it took. Throws with the screen after `timeout` seconds.
    @discardableResult
    public func wait(timeout: Double, interval: useconds_t = 2_000, _ predicate: (String) -> Bool) throws -> Double {
        let start = Date()
        while Date().timeIntervalSince(start) < timeout {
            if predicate(try capture()) { return Date().timeIntervalSince(start) }
            usleep(interval)
        }
        throw CommandRunner.Failure(argv: ["tmux", "-L", socket, "capture-pane"], status: -1,
                                    output: "the screen did not show what was expected within \(timeout) s:\n\(try capture())")
    }

    /// Ends the server and every process under it (SIGTERM, then SIGKILL); returns
    /// what survived (nothing, normally).
    @discardableResult
    public func kill() -> ProcessRegistry.Report {
        guard let pid = serverPID else { return ProcessRegistry.Report(ended: [], survivors: []) }
        let own = ProcessRegistry()
        own.record(pid, as: "tmux server -L \(socket)")
        return own.endAll()
    }
}
