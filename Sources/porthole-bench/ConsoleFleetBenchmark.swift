import Foundation
import LocalRuntime
import Platform
import ProcessHarness

/// Issue 15's console figure: the console's CPU, as a share of one core, over a
/// window at the default refresh, while the server it watches holds `count`
/// instances. The server runs in this process (its work is not counted); its
/// instances are stand-ins without processes (`LocalPlatform.addStandIns`).
enum ConsoleFleetBenchmark {
    struct Result {
        var count: Int
        var cpuPercent: Double
        var seconds: Double
    }

    static func run(count: Int, seconds: Double) async throws -> Result {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("porthole").path
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-bench-fleet-\(getpid())-\(count)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var spec = FunctionSpec(functionName: "fleet", codeDirectory: directory, command: ["sleep", "86400"])
        spec.idleTimeout = 86_400
        let embedded = try await EmbeddedPlatform.start(
            specs: [spec], options: LocalPlatform.Options(isolation: .process, stateDirectory: StateDirectory(url: directory.appendingPathComponent("state"))))
        try embedded.platform.addStandIns(count: count, function: "fleet")
        let tokenFile = directory.appendingPathComponent("token")
        try writeTokenFile(embedded.token.value, to: tokenFile)

        let console = TmuxDriver(socket: "porthole-bench-fleet-\(getpid())-\(count)", registry: processes)
        let cpu: Double
        do {
            cpu = try measure(console, binary: binary, directory: directory, embedded: embedded, tokenFile: tokenFile, count: count, seconds: seconds)
        } catch {
            console.kill()
            await embedded.shutdown()
            throw error
        }
        console.kill()
        await embedded.shutdown()
        return Result(count: count, cpuPercent: cpu, seconds: seconds)
    }

    /// Starts the console on the server, waits until it lists every instance, and
    /// returns its CPU (% of one core) over `seconds`.
    private static func measure(_ console: TmuxDriver, binary: String, directory: URL, embedded: EmbeddedPlatform,
                                tokenFile: URL, count: Int, seconds: Double) throws -> Double {
        let environment = "XDG_CONFIG_HOME=\(directory.path)/config XDG_STATE_HOME=\(directory.path)/xdg-state"
        try console.start(session: "fleet", cols: 160, rows: 48,
                          command: "env \(environment) \(binary) --server http://\(embedded.host):\(embedded.port) --token-file \(tokenFile.path)")
        try console.wait(timeout: 60, interval: 100_000) { $0.contains("(\(count))") }
        progress("console lists \(count) instances")
        guard let server = console.serverPID,
              let pid = ProcessTree().descendants(of: server).first(where: { ProcessTree.read($0)?.name == "porthole" }),
              let before = cpuSeconds(of: pid) else {
            throw BenchmarkError("cannot find the console's process under tmux")
        }
        usleep(useconds_t(seconds * 1_000_000))
        guard let after = cpuSeconds(of: pid) else { throw BenchmarkError("the console exited during the measurement") }
        return (after - before) / seconds * 100
    }
}
