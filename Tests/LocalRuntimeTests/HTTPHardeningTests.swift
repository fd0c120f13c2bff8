import ExecCore
import Foundation
import LocalRuntime
import Platform
import XCTest

/// Slow, silent and crowding HTTP clients on real sockets: they are timed out
/// and capped, and a user with the token still gets in.
final class HTTPHardeningTests: XCTestCase {
    func testHalfOpenConnectionsAreCappedAndTimedOutAndTheTokenStillGetsIn() async throws {
        var limits = APILimits()
        limits.requestTimeout = 1
        limits.maxUnauthenticatedConnections = 50
        let platform = try await TestPlatform.simple(limits: limits)
        addTeardownBlock { await platform.shutdown() }   // also when the test fails
        // 300 connections that start a request and never finish it.
        var sockets: [RawSocket] = []
        for _ in 0..<300 {
            let socket = try RawSocket(port: platform.embedded.port)
            try socket.send("GET /2023-03-30/functions HTTP/1.1\r\nHost: x\r\n")
            sockets.append(socket)
        }
        try await poll(timeout: 10, "the server to hold at most 50 of them, holds \(platform.embedded.server.unauthenticatedConnections)") {
            platform.embedded.server.unauthenticatedConnections <= 50
        }
        // A user with the token is served while they hang on.
        let functions = try await platform.backend.listFunctions()
        XCTAssertEqual(functions.map(\.functionName), ["fn"])
        // And every one of the 300 is closed by the server within the request timeout.
        let deadline = Date().addingTimeInterval(10)
        var open = 0
        for socket in sockets where !socket.waitForClose(timeout: max(0.01, deadline.timeIntervalSinceNow)) { open += 1 }
        XCTAssertEqual(open, 0, "\(open) of 300 half-open connections still open")
        // The server forgets a connection once its close completes, a moment after the peer sees it.
        try await poll(timeout: 5, "no unauthenticated connection left, \(platform.embedded.server.unauthenticatedConnections) left") {
            platform.embedded.server.unauthenticatedConnections == 0
        }
    }

    func testIdleKeepAliveConnectionIsClosed() async throws {
        var limits = APILimits()
        limits.idleTimeout = 1
        let platform = try await TestPlatform.simple(limits: limits)
        addTeardownBlock { await platform.shutdown() }   // also when the test fails
        let socket = try RawSocket(port: platform.embedded.port)
        try socket.send("GET /2023-03-30/functions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(platform.embedded.token.value)\r\n\r\n")
        guard case .data(let answer) = socket.receive(timeout: 10) else { return XCTFail("no answer") }
        XCTAssertTrue(String(decoding: answer, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        let started = Date()
        XCTAssertTrue(socket.waitForClose(timeout: 10), "an idle keep-alive connection stays open")
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.5)
    }

    /// A request that is being answered is not timed out, however long the function takes.
    func testARequestInFlightIsNotTimedOut() async throws {
        var limits = APILimits()
        limits.requestTimeout = 1
        limits.idleTimeout = 1
        let platform = try await TestPlatform.simple(limits: limits)
        addTeardownBlock { await platform.shutdown() }   // also when the test fails
        let answer = try await platform.backend.invoke(function: "fn", body: Array("sleep 2".utf8))
        XCTAssertEqual(answer.status, 200)
    }

    /// Out of descriptors, accept() fails at once; the server must pause rather
    /// than retry in a busy loop (it spun a whole core before).
    func testServerDoesNotSpinWhenOutOfDescriptors() async throws {
        let server = try ServeProcess(functionsYAML: """
            functions:
              - functionName: fn
                code: ./fn
                customRuntimeConfig: {command: [python3, server.py]}
                provisioned: 0
            """, fileLimit: 64)
        defer { server.stop() }
        let token = try AccessToken.read(from: server.tokenFile).value
        // Authenticated keep-alive connections (not capped, not idle yet) until the server runs out.
        var sockets: [RawSocket] = []
        for _ in 0..<120 {
            guard let socket = try? RawSocket(port: server.port) else { break }
            try? socket.send("GET /2023-03-30/functions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\n\r\n")
            sockets.append(socket)
        }
        // Some were never accepted: they wait in the backlog, unanswered.
        try await Task.sleep(nanoseconds: 1_000_000_000)
        var answered: [RawSocket] = []
        var unanswered: [RawSocket] = []
        for socket in sockets {
            if case .data = socket.receive(timeout: 0.02) { answered.append(socket) } else { unanswered.append(socket) }
        }
        XCTAssertFalse(unanswered.isEmpty, "the server never ran out of descriptors; the test proves nothing")
        let before = try server.cpuSeconds()
        try await Task.sleep(nanoseconds: 2_000_000_000)
        let used = try server.cpuSeconds() - before
        XCTAssertLessThan(used, 0.3, "the server used \(used) s of CPU in 2 s while out of descriptors")
        // Freeing descriptors lets the waiting connections in.
        for socket in answered { socket.close() }
        var served = false
        let deadline = Date().addingTimeInterval(10)
        while !served, Date() < deadline {
            for socket in unanswered.prefix(5) where !served {
                if case .data(let bytes) = socket.receive(timeout: 0.2) { served = String(decoding: bytes, as: UTF8.self).hasPrefix("HTTP/1.1 200") }
            }
        }
        XCTAssertTrue(served, "a connection waiting in the backlog was never served after descriptors were freed")
    }
}
