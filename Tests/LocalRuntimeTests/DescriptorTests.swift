import ExecCore
import Foundation
import LocalRuntime
import Platform
import XCTest

/// Issue 11: nothing of the server's may reach a process porthole starts — not
/// the API socket, not other clients' connections, not epoll sets. An instance's
/// process and an exec'd command (tty and pipes) each see only 0, 1 and 2.
final class DescriptorTests: XCTestCase {
    var platform: TestPlatform?

    override func tearDown() async throws {
        await platform?.shutdown()
    }

    /// The descriptors in an `ls -l /proc/self/fd` listing, without the one `ls`
    /// opened to read the listing itself.
    static func descriptors(inListing text: String) -> [Int: String] {
        var found: [Int: String] = [:]
        // A tty ends lines with "\r\n", which Swift reads as one Character.
        for line in text.replacingOccurrences(of: "\r", with: "").split(separator: "\n") {
            let parts = line.components(separatedBy: " -> ")
            guard parts.count == 2, let fd = parts[0].split(separator: " ").last.flatMap({ Int($0) }) else { continue }
            let target = parts[1].trimmingCharacters(in: .whitespaces)
            if target.range(of: "^/proc/[0-9]+/fd$", options: .regularExpression) != nil { continue }
            found[fd] = target
        }
        return found
    }

    func assertOnlyStandardStreams(_ listing: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let fds = Self.descriptors(inListing: listing)
        XCTAssertEqual(Set(fds.keys), [0, 1, 2], "\(what) holds more than stdin/stdout/stderr: \(fds)\n\(listing)", file: file, line: line)
    }

    /// Opens a second session first, so the server holds another client's connection and a pty to leak.
    func testExecdCommandsSeeOnlyStandardStreams() async throws {
        let p = try await TestPlatform.simple()
        platform = p
        let instance = try await p.waitForRunning("fn")[0]
        let other = try await p.backend.openExec(
            ExecRequest(functionName: "fn", instanceId: instance.instanceId, command: ["sleep", "30"], stdin: true, tty: true),
            handlers: ExecOutput().handlers)
        defer { other.send([0x03]) }
        let pipes = try await p.exec(instance, ["sh", "-c", "ls -l /proc/self/fd"])
        XCTAssertEqual(pipes.end, .exited(code: 0), pipes.stderrText)
        assertOnlyStandardStreams(pipes.stdoutText, "an exec'd command on pipes")
        let tty = try await p.exec(instance, ["sh", "-c", "ls -l /proc/self/fd"], tty: true)
        XCTAssertEqual(tty.end, .exited(code: 0), tty.stdoutText)
        assertOnlyStandardStreams(tty.stdoutText, "an exec'd command on a tty")
    }

    func testInstanceProcessSeesOnlyStandardStreams() async throws {
        for isolation in [Isolation.process] + (Isolation.detect() == .namespaces ? [.namespaces] : []) {
            let p = try await TestPlatform(functionsYAML: """
                functions:
                  - functionName: lister
                    code: ./fn
                    customRuntimeConfig:
                      command: [sh, -c, "ls -l /proc/self/fd > fds-$FC_INSTANCE_ID.txt 2>&1; exec python3 server.py"]
                    provisioned: 1
                """, isolation: isolation)
            platform = p
            let instance = try await p.waitForRunning("lister")[0]
            let listing = try String(
                contentsOf: p.directory.appendingPathComponent("fn/fds-\(instance.instanceId).txt"), encoding: .utf8)
            // fd 1 is the listing file here (the shell redirected it); the rest must be exactly 0, 1, 2.
            assertOnlyStandardStreams(listing, "an instance process (\(isolation.rawValue))")
            await p.shutdown()
            platform = nil
        }
    }
}
