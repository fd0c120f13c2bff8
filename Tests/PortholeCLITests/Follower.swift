import Foundation
import XCTest

/// A `porthole` command that runs until stopped (`logs -f`), its stdout and
/// stderr going to files the test reads while it runs. Killed by pid in `stop`.
final class Follower {
    let process = Process()
    let out: URL
    let err: URL

    /// Starts `porthole SUBCOMMAND --server … --token-file … REST…` against `server`.
    init(_ server: CLIServer, _ arguments: [String]) throws {
        let name = UUID().uuidString.prefix(8)
        out = server.directory.appendingPathComponent("follow-\(name).out")
        err = server.directory.appendingPathComponent("follow-\(name).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.executableURL = CLIRun.binary
        process.arguments = Array(arguments.prefix(1)) + ["--server", server.url, "--token-file", server.tokenFile.path] + arguments.dropFirst()
        process.environment = ProcessInfo.processInfo.environment.merging(server.isolation) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
    }

    func text(_ stream: KeyPath<Follower, URL>) -> String {
        (try? String(contentsOf: self[keyPath: stream], encoding: .utf8)) ?? ""
    }

    /// Polls until `condition` holds for what `stream` has so far; fails the test after 45 s.
    func waitFor(_ what: String, _ stream: KeyPath<Follower, URL>, file: StaticString = #filePath, line: UInt = #line,
                 _ condition: (String) -> Bool) {
        let deadline = Date().addingTimeInterval(45)
        while Date() < deadline {
            if condition(text(stream)) { return }
            usleep(100_000)
        }
        XCTFail("no \(what) within 45 s; stdout: \(text(\.out).suffix(300)) stderr: \(text(\.err))", file: file, line: line)
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
