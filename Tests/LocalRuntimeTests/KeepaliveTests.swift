import ExecCore
import Foundation
import LocalRuntime
import NIOCore
import Platform
import XCTest

/// Dead peers on both sides of an exec session (docs/PROTOCOL.md §1 keepalive),
/// with real processes and sockets and short, injected intervals.
final class KeepaliveTests: XCTestCase {
    /// A frozen server (SIGSTOP) still holds its socket open and the kernel still
    /// acknowledges; only the keepalive can tell. The client gives up within its
    /// peer timeout with its own reason.
    func testClientEndsASessionWithAFrozenServer() async throws {
        let server = try ServeProcess(functionsYAML: ServeProcess.oneFunction)
        defer { server.stop() }
        let backend = try server.backend()
        var instance: Instance?
        try await poll(timeout: 30, "a running instance") {
            instance = try await backend.listInstances(function: "fn").first { $0.status == .running }
            return instance != nil
        }
        let output = ExecOutput()
        let session = try await ExecSession.connect(
            to: ExecEndpoint(host: "127.0.0.1", port: server.port, bearerToken: backend.token?.value),
            request: ExecRequest(functionName: "fn", instanceId: instance!.instanceId, command: ["sh", "-c", "echo up; sleep 60"]),
            handlers: output.handlers, keepaliveInterval: .milliseconds(300), peerTimeout: .seconds(2))
        try await poll(timeout: 10, "output before the freeze") { output.stdoutText.contains("up") }
        XCTAssertEqual(kill(server.pid, SIGSTOP), 0)
        let frozenAt = Date()
        let end = await session.wait()
        let took = Date().timeIntervalSince(frozenAt)
        kill(server.pid, SIGCONT)
        guard case .serverUnresponsive(let message) = end else { return XCTFail("ended as \(end)") }
        XCTAssertTrue(message.contains("the server stopped answering"), message)
        XCTAssertEqual(end.summary, "server not answering")
        XCTAssertGreaterThanOrEqual(took, 1.5, "gave up before the peer timeout")
        XCTAssertLessThan(took, 6, "took \(took) s for a 2 s peer timeout")
    }

    /// The upgrade itself is bounded too: a frozen server accepts in the kernel and never answers.
    func testConnectToAFrozenServerFailsWithinThePeerTimeout() async throws {
        let server = try ServeProcess(functionsYAML: ServeProcess.oneFunction)
        defer { server.stop() }
        XCTAssertEqual(kill(server.pid, SIGSTOP), 0)
        defer { kill(server.pid, SIGCONT) }
        let started = Date()
        do {
            _ = try await ExecSession.connect(
                to: ExecEndpoint(host: "127.0.0.1", port: server.port, bearerToken: "x"),
                request: ExecRequest(functionName: "fn", instanceId: "i", command: ["true"]),
                handlers: ExecCallbacks(onStdout: { _ in }), peerTimeout: .seconds(2))
            XCTFail("connected to a frozen server")
        } catch let error as ExecConnectError {
            XCTAssertTrue("\(error)".contains("did not answer"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 6)
    }

    /// A client that vanished without closing (its socket open, nothing sent, no
    /// pongs): the server ends the session, stops its process and lets go of the instance.
    func testServerEndsTheSessionOfASilentClientAndReleasesTheInstance() async throws {
        let platform = try await TestPlatform.simple { options in
            options.execKeepaliveInterval = 0.3
            options.execPeerTimeout = 1.5
        }
        addTeardownBlock { await platform.shutdown() }   // also when the test fails
        let instance = try await platform.waitForRunning("fn").first!
        do {
            let path = ExecRequest(functionName: "fn", instanceId: instance.instanceId, command: ["sleep", "60"]).pathAndQuery
            let socket = try RawWebSocket(port: platform.embedded.port, path: path, token: platform.embedded.token.value)
            try await poll(timeout: 10, "the session to be counted") {
                try await platform.backend.listInstances(function: "fn").first?.metrics?.execSessions == 1
            }
            let opened = Date()
            // Say nothing; read what the server sends (pings), never answer.
            var pings = 0
            var closeCode: UInt16?
            while Date().timeIntervalSince(opened) < 10, let frame = socket.readFrame(timeout: 10) {
                if frame.opcode == 0x9 { pings += 1 }
                if frame.opcode == 0x8 { closeCode = frame.closeCode; break }
            }
            XCTAssertGreaterThanOrEqual(pings, 2, "the server pings")
            XCTAssertNotNil(closeCode, "the server closed the session")
            XCTAssertLessThan(Date().timeIntervalSince(opened), 6)
            try await poll(timeout: 5, "the instance to be let go") {
                try await platform.backend.listInstances(function: "fn").first?.metrics?.execSessions == 0
            }
            let log = try String(contentsOf: platform.embedded.platform.options.stateDirectory.auditLog, encoding: .utf8)
            XCTAssertTrue(log.contains("ClientUnresponsive"), log)
            socket.socket.close()
        }
    }
}
