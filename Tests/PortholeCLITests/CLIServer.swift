import Foundation

/// A `porthole serve` on a free loopback port, with its own state directory and
/// token file, for the command line to talk to. Stopped by pid in `stop()`.
final class CLIServer {
    let process = Process()
    let directory: URL
    let tokenFile: URL
    let url: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-cli-\(getpid())-\(UUID().uuidString.prefix(8))")
        tokenFile = directory.appendingPathComponent("token")
        let state = directory.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let port = try Self.freePort()
        process.executableURL = CLIRun.binary
        process.arguments = ["serve", "--listen", "127.0.0.1:\(port)", "--token-file", tokenFile.path]
        var environment = ProcessInfo.processInfo.environment
        environment["PORTHOLE_STATE_DIR"] = state.path
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        guard FileManager.default.isExecutableFile(atPath: CLIRun.binary.path) else { throw CLIRun.MissingBinary() }
        try process.run()
        // The first line says it listens: "porthole serve: listening on http://127.0.0.1:PORT, …".
        var output = Data()
        let deadline = Date().addingTimeInterval(60)
        while !String(decoding: output, as: UTF8.self).contains("listening on"), Date() < deadline {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            output.append(chunk)
        }
        url = "http://127.0.0.1:\(port)"
        guard String(decoding: output, as: UTF8.self).contains("listening on") else {
            stop()
            throw StartFailure(output: String(decoding: output, as: UTF8.self))
        }
    }

    /// `porthole SUBCOMMAND --server URL --token-file FILE REST…` (before any `--`).
    func cli(_ arguments: [String], timeout: TimeInterval = 60) throws -> CLIRun {
        let connection = ["--server", url, "--token-file", tokenFile.path]
        return try CLIRun.run(Array(arguments.prefix(1)) + connection + arguments.dropFirst(), environment: isolation, timeout: timeout)
    }

    /// Config and state of the test, not of whoever runs it.
    var isolation: [String: String] {
        ["XDG_CONFIG_HOME": directory.appendingPathComponent("config").path,
         "PORTHOLE_STATE_DIR": directory.appendingPathComponent("client-state").path]
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// A loopback port nobody listens on (`serve --listen` wants a real port, not 0).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StartFailure(output: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw StartFailure(output: "bind: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    struct StartFailure: Error, CustomStringConvertible {
        let output: String
        var description: String { "porthole serve did not start: \(output)" }
    }
}
