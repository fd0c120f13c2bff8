import Foundation
import Platform
import XCTest

/// A real `porthole serve` (the built binary) on a loopback port with its own
/// state directory, for tests that must freeze, starve or kill the server
/// process itself. Stopped (SIGCONT, then SIGKILL) when the test ends.
final class ServeProcess {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = packageRoot.appendingPathComponent(".build/debug/porthole")

    let process = Process()
    let directory: URL
    let port: Int
    let tokenFile: URL
    let stateDirectory: URL
    private let output = Pipe()

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
        port = try Self.freePort()
        let serve = [Self.binary.path, "serve", "--config", spec.path, "--listen", "127.0.0.1:\(port)",
                     "--token-file", tokenFile.path, "--isolation", "process"]
        if let fileLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -n \(fileLimit) && exec \"$@\"", "sh"] + serve
        } else {
            process.executableURL = Self.binary
            process.arguments = Array(serve.dropFirst())
        }
        var environment = ProcessInfo.processInfo.environment
        environment["PORTHOLE_STATE_DIR"] = stateDirectory.path
        process.environment = environment
        process.standardOutput = output
        process.standardError = output
        try process.run()
        // The first line says it listens.
        var seen = Data()
        let deadline = Date().addingTimeInterval(30)
        while !String(decoding: seen, as: UTF8.self).contains("listening on"), Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        guard String(decoding: seen, as: UTF8.self).contains("listening on") else {
            stop()
            throw RawSocketError("porthole serve did not start: \(String(decoding: seen, as: UTF8.self))")
        }
    }

    var pid: Int32 { process.processIdentifier }

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

    private var reaped = false

    /// Stops the server and reaps it here: Foundation's `Process` can miss the
    /// exit of a child that was stopped with SIGSTOP, and `waitUntilExit` then never returns.
    func stop() {
        guard !reaped else { return }
        kill(pid, SIGCONT)
        kill(pid, SIGTERM)
        if !reap(within: 10) {
            kill(pid, SIGKILL)
            _ = reap(within: 10)
        }
        reaped = true
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

    private func reap(within seconds: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        var status: Int32 = 0
        while Date() < deadline {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid || (result < 0 && errno == ECHILD) { return true }
            if !process.isRunning { return true }
            usleep(20_000)
        }
        return false
    }

    private func cleanUp() { try? FileManager.default.removeItem(at: directory) }

    deinit { stop() }

    /// A loopback port nobody listens on (`serve --listen` wants a real port).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawSocketError("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw RawSocketError("bind: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static let oneFunction = """
        functions:
          - functionName: fn
            code: ./fn
            customRuntimeConfig: {command: [python3, server.py]}
            provisioned: 1
        """
}
