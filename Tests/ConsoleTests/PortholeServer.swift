import Foundation
import LocalRuntime
import ProcessHarness
import XCTest

/// A `porthole serve` on a loopback port with its own state directory, for the
/// console to talk to while `porthole` itself cannot open the console yet.
final class PortholeServer {
    let server: PortholeServe
    let address: String
    let tokenFile: URL
    let stateDirectory: URL

    let port: Int

    /// Starts a server (`arguments` go to `porthole serve`); `port` nil picks a free one.
    /// A token file already in `directory` is reused.
    init(directory: URL, port: Int? = nil, arguments: [String] = []) throws {
        guard let port = port ?? LoopbackPort.free() else { throw StartFailure(output: "no free loopback port: cannot make a socket") }
        self.port = port
        stateDirectory = directory.appendingPathComponent("serve-state")
        tokenFile = directory.appendingPathComponent("token")
        try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true)
        server = try PortholeServe(
            binary: TmuxConsole.portholeBinary, port: port, tokenFile: tokenFile, arguments: arguments,
            environment: ["PORTHOLE_STATE_DIR": stateDirectory.path])
        address = server.address
    }

    /// The server's pid.
    var pid: pid_t { server.pid }

    /// Runs a porthole CLI command against this server; returns its stdout.
    func cli(_ arguments: [String]) throws -> String {
        try CommandRunner.run([TmuxConsole.portholeBinary.path] + arguments + ["--server", "http://\(address)", "--token-file", tokenFile.path])
    }

    func stop() { server.stop() }

    deinit { stop() }

    struct StartFailure: Error, CustomStringConvertible {
        let output: String
        var description: String { "porthole serve did not start: \(output)" }
    }
}
