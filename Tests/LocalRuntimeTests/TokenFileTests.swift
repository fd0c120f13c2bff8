import Foundation
import XCTest

/// `porthole serve` and the client commands refuse a token file others may read, naming the fix.
final class TokenFileTests: XCTestCase {
    /// Runs the built binary with a bounded wait; returns its exit status and output.
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (Int32, String) {
        guard FileManager.default.isExecutableFile(atPath: ServeProcess.binary.path) else {
            throw XCTSkip("\(ServeProcess.binary.path) is not built; run `swift build` first")
        }
        let process = Process()
        process.executableURL = ServeProcess.binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.interrupt()
            kill(process.processIdentifier, SIGKILL)
            XCTFail("porthole \(arguments.joined(separator: " ")) did not finish within 20 s")
        }
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    func testServeAndClientsRefuseAWorldReadableTokenFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-token-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let token = directory.appendingPathComponent("token")
        try "0123456789abcdef\n".write(to: token, atomically: true, encoding: .utf8)
        chmod(token.path, 0o644)
        let port = try ServeProcess.freePort()
        let state = ["PORTHOLE_STATE_DIR": directory.appendingPathComponent("state").path]

        let (serveStatus, serveOutput) = try run(
            ["serve", "--listen", "127.0.0.1:\(port)", "--token-file", token.path, "--isolation", "process"], environment: state)
        XCTAssertNotEqual(serveStatus, 0, serveOutput)
        XCTAssertTrue(serveOutput.contains("chmod 600 \(token.path)"), serveOutput)

        let (clientStatus, clientOutput) = try run(
            ["functions", "--server", "http://127.0.0.1:\(port)", "--token-file", token.path], environment: state)
        XCTAssertNotEqual(clientStatus, 0, clientOutput)
        XCTAssertTrue(clientOutput.contains("chmod 600 \(token.path)"), clientOutput)
        XCTAssertFalse(serveOutput.contains("0123456789abcdef") || clientOutput.contains("0123456789abcdef"))
    }
}
