import Foundation

/// Drives one tmux server (its own socket) for the console benchmark: start a
/// command in a detached window, type, and read the screen.
struct TmuxDriver {
    let socket: String

    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tmux")
        process.arguments = ["-L", socket] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    func start(cols: Int, rows: Int, command: String, environment: [String: String] = [:]) throws {
        let env = environment.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        try run(["new-session", "-d", "-x", String(cols), "-y", String(rows), "\(env) \(command)"])
    }

    func keys(_ keys: String...) throws { try run(["send-keys"] + keys) }
    func literal(_ text: String) throws { try run(["send-keys", "-l", text]) }
    func screen() throws -> String { try run(["capture-pane", "-p"]) }
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
