import Foundation
import Platform
import ProcessHarness
import XCTest

/// A real `porthole serve` (the built binary) on a loopback port with its own
/// state directory, for tests that must freeze, starve or kill the server
/// process itself. Stopped (SIGCONT, then SIGKILL) when the test ends.
final class ServeProcess {
    static let binary = PortholeServe.debugBinary

    let server: PortholeServe
    let directory: URL
    let tokenFile: URL
    let stateDirectory: URL
    var port: Int { server.port }

    /// `fileLimit` runs the server under `ulimit -n` (descriptor starvation tests).
    init(functionsYAML: String, fileLimit: Int? = nil) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            throw XCTSkip("\(Self.binary.path) is not built; run `swift build` first")
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-serve-\(UUID().uuidString.prefix(8))")
        let code = directory.appendingPathComponent("fn")
        try FileManager.default.createDirectory(at: code, withIntermediateDirectories: true)
        try TestPlatform.serverScript.write(to: code.appendingPathComponent("server.py"), atomically: true, encoding: .utf8)
        let spec = directory.appendingPathComponent("functions.yaml")
        try functionsYAML.write(to: spec, atomically: true, encoding: .utf8)
        stateDirectory = directory.appendingPathComponent("state")
        tokenFile = directory.appendingPathComponent("token")
        do {
            server = try PortholeServe(
                tokenFile: tokenFile, arguments: ["--config", spec.path, "--isolation", "process"],
                environment: ["PORTHOLE_STATE_DIR": stateDirectory.path], fileLimit: fileLimit)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    var pid: Int32 { server.pid }

    func backend(requestTimeout: TimeInterval = 10) throws -> PortholeServerBackend {
        PortholeServerBackend(host: "127.0.0.1", port: port, token: try AccessToken.read(from: tokenFile),
                              requestTimeout: .seconds(Int64(requestTimeout)))
    }

    /// CPU seconds the server has used (user + system), from /proc.
    func cpuSeconds() throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        let fields = stat[stat.range(of: ")")!.upperBound...].split(separator: " ")
        // After the name: state is field 3, utime 14, stime 15 (1-based, man 5 proc).
        let ticks = Double(fields[11])! + Double(fields[12])!
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Resident memory of the server in bytes, from /proc.
    func residentBytes() throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return (Int(line.split(separator: " ")[1]) ?? 0) * 1024
        }
        return 0
    }

    private var stopped = false

    /// Stops the server (resumed first if frozen) and reaps it, then ends the
    /// instances it left behind.
    func stop() {
        guard !stopped else { return }
        stopped = true
        server.stop()
        killStrays()
        cleanUp()
    }

    /// Instances the server left behind (it may have been killed, or frozen
    /// past its own shutdown): every process working in this test's directory.
    private func killStrays() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return }
        for entry in entries {
            guard let strayPid = Int32(entry), strayPid != getpid(),
                  let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/cwd"),
                  cwd.hasPrefix(directory.path)
            else { continue }
            kill(strayPid, SIGKILL)
        }
    }

    private func cleanUp() { try? FileManager.default.removeItem(at: directory) }

    deinit { stop() }

    /// A loopback port nobody listens on (`serve --listen` wants a real port).
    static func freePort() throws -> Int { try PortholeServe.freePort() }

    static let oneFunction = """
        functions:
          - functionName: fn
            code: ./fn
            customRuntimeConfig: {command: [python3, server.py]}
            provisioned: 1
        """
}
