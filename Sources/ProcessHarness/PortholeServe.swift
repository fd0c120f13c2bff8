#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A real `porthole serve` (the built binary, run by path) on a loopback port,
/// for tests that talk to a server process: started with the caller's flags and
/// environment, ready once it says where it listens, stopped by pid and reaped.
///
/// Its output goes to a file, not a pipe, so a server that logs a lot never
/// blocks on a pipe nobody reads. `stop()` resumes a frozen server first:
/// keepalive tests stop it with SIGSTOP.
public final class PortholeServe: @unchecked Sendable {
    /// The built binary in this package: `.build/debug/porthole`.
    public static let debugBinary = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/debug/porthole")

    /// Why a server could not start.
    public enum StartError: Error, CustomStringConvertible {
        case missingBinary(String)
        case noFreePort(String)
        case didNotStart(output: String)

        public var description: String {
            switch self {
            case .missingBinary(let path): "\(path) is missing: build it with `swift build --build-tests` before `swift test --skip-build`"
            case .noFreePort(let reason): "no free loopback port: \(reason)"
            case .didNotStart(let output): "porthole serve did not start: \(output)"
            }
        }
    }

    /// The server's pid (for SIGSTOP/SIGCONT and /proc).
    public let pid: pid_t
    /// The port it listens on.
    public let port: Int
    /// `host:port` as the server printed it (set once it has started).
    public private(set) var address = ""
    /// The token file it was given.
    public let tokenFile: URL
    /// Holds the server's output and the HOME it and its instances get; removed by `stop()`.
    private let scratch: URL
    private let logPath: String
    // Guarded by `lock`.
    private let lock = NSLock()
    private var reaped = false

    /// `http://host:port`.
    public var url: String { "http://\(address)" }

    /// Everything the server has printed so far.
    public var output: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Starts `binary serve --listen 127.0.0.1:PORT --token-file TOKENFILE ARGUMENTS…`
    /// with this process's environment, a HOME of its own (removed with its output by
    /// `stop()`) and `environment` on top; `port` nil picks a
    /// free one. `fileLimit` runs it under `ulimit -n` (through `sh -c … exec`, so the
    /// pid stays the server's). Waits up to `timeout` s for "listening on".
    public init(
        binary: URL = PortholeServe.debugBinary, port: Int? = nil, tokenFile: URL, arguments: [String] = [],
        environment: [String: String] = [:], fileLimit: Int? = nil, timeout: TimeInterval = 30
    ) throws {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw StartError.missingBinary(binary.path) }
        let port = try port ?? Self.freePort()
        self.port = port
        self.tokenFile = tokenFile
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-serve-\(UUID().uuidString.prefix(8))")
        logPath = scratch.appendingPathComponent("serve.log").path
        let home = scratch.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let serve = [binary.path, "serve", "--listen", "127.0.0.1:\(port)", "--token-file", tokenFile.path] + arguments
        let argv = fileLimit.map { ["/bin/sh", "-c", "ulimit -n \($0) && exec \"$@\"", "sh"] + serve } ?? serve
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // A HOME of its own unless the caller gives one: instances inherit it, and an
        // interactive shell in one writes ~/.bash_history when it ends.
        let env = ProcessInfo.processInfo.environment.merging(["HOME": home.path]) { $1 }.merging(environment) { $1 }
        do {
            pid = try ProgramRunner.spawn(argv, actions: &actions, environment: env)
        } catch {
            try? FileManager.default.removeItem(at: scratch)
            throw error
        }
        // The first line names the bound address: "porthole serve: listening on http://127.0.0.1:PORT, …".
        let deadline = Date().addingTimeInterval(timeout)
        var found: String?
        while found == nil, Date() < deadline {
            let text = output
            if let range = text.range(of: "listening on http://"),
               let end = text[range.upperBound...].firstIndex(where: { $0 == "," || $0 == "\n" }) {
                found = String(text[range.upperBound..<end])
            } else if !isRunning {
                break
            } else {
                usleep(20_000)
            }
        }
        guard let found else {
            let text = output
            stop()
            throw StartError.didNotStart(output: text)
        }
        address = found
    }

    /// Whether the server has not exited (a frozen one counts as running).
    public var isRunning: Bool {
        lock.withLock {
            guard !reaped else { return false }
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid || (result < 0 && errno == ECHILD) { reaped = true }
            return !reaped
        }
    }

    /// Freezes the server (SIGSTOP): it keeps its sockets but answers nothing.
    public func freeze() { kill(pid, SIGSTOP) }

    /// Resumes a frozen server (SIGCONT).
    public func thaw() { kill(pid, SIGCONT) }

    /// Stops the server: SIGCONT (it may be frozen) and SIGTERM, up to 10 s, then
    /// SIGKILL; reaps it here. Safe to call more than once.
    public func stop() {
        if isRunning {
            kill(pid, SIGCONT)
            kill(pid, SIGTERM)
            if !reap(within: 10) {
                kill(pid, SIGKILL)
                _ = reap(within: 10)
            }
        }
        try? FileManager.default.removeItem(at: scratch)
    }

    private func reap(within seconds: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if !isRunning { return true }
            usleep(20_000)
        }
        return false
    }

    deinit { stop() }

    /// A loopback port nobody listens on (`serve --listen` wants a real port, not 0).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StartError.noFreePort("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw StartError.noFreePort("bind: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
