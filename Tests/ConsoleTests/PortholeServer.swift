import Foundation
import LocalRuntime
import ProcessHarness
import XCTest

/// A `porthole serve` on a loopback port with its own state directory, for the
/// console to talk to while `porthole` itself cannot open the console yet.
final class PortholeServer {
    let process = Process()
    let address: String
    let tokenFile: URL
    let stateDirectory: URL

    let port: Int

    /// Starts a server; `port` nil picks a free one. A token file already in `directory` is reused.
    init(directory: URL, port: Int? = nil) throws {
        guard let port = port ?? LoopbackPort.free() else { throw StartFailure(output: "no free loopback port: cannot make a socket") }
        self.port = port
        stateDirectory = directory.appendingPathComponent("serve-state")
        tokenFile = directory.appendingPathComponent("token")
        try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true)
        process.executableURL = TmuxConsole.portholeBinary
        process.arguments = ["serve", "--listen", "127.0.0.1:\(self.port)", "--token-file", tokenFile.path]
        var environment = ProcessInfo.processInfo.environment
        environment["PORTHOLE_STATE_DIR"] = stateDirectory.path
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        // The first line names the bound address: "porthole serve: listening on http://127.0.0.1:PORT, …".
        var buffer = Data()
        let deadline = Date().addingTimeInterval(30)
        var found: String?
        while found == nil, Date() < deadline {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            let text = String(decoding: buffer, as: UTF8.self)
            if let range = text.range(of: "listening on http://") {
                let rest = text[range.upperBound...]
                if let end = rest.firstIndex(where: { $0 == "," || $0 == "\n" }) { found = String(rest[..<end]) }
            }
        }
        guard let found else {
            process.terminate()
            throw StartFailure(output: String(decoding: buffer, as: UTF8.self))
        }
        address = found
    }

    /// Runs a porthole CLI command against this server; returns its stdout.
    func cli(_ arguments: [String]) throws -> String {
        try CommandRunner.run([TmuxConsole.portholeBinary.path] + arguments + ["--server", "http://\(address)", "--token-file", tokenFile.path])
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit { stop() }

    struct StartFailure: Error, CustomStringConvertible {
        let output: String
        var description: String { "porthole serve did not start: \(output)" }
    }
}
