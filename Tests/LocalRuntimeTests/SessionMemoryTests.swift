import ExecCore
import Foundation
import LocalRuntime
import NIOCore
import Platform
import XCTest

/// Finished exec sessions give back what they held (a reference cycle around
/// the exec pump kept about 9.7 MiB per 1,000 sessions).
final class SessionMemoryTests: XCTestCase {
    /// Runs `count` short sessions, `parallel` at a time.
    static func runSessions(_ count: Int, parallel: Int, host: String, port: Int, token: String, instance: String) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var started = 0
            func add() {
                started += 1
                group.addTask {
                    let session = try await ExecSession.connect(
                        to: ExecEndpoint(host: host, port: port, bearerToken: token),
                        request: ExecRequest(functionName: "fn", instanceId: instance, command: ["true"]),
                        handlers: ExecCallbacks(onStdout: { _ in }))
                    let end = await session.wait()
                    guard end == .exited(code: 0) else { throw RawSocketError("session ended as \(end)") }
                }
            }
            while started < min(parallel, count) { add() }
            while try await group.next() != nil { if started < count { add() } }
        }
    }

    func testFinishedSessionsLeaveNoPumpBehind() async throws {
        let platform = try await TestPlatform.simple()
        addTeardownBlock { await platform.shutdown() }   // also when the test fails
        let instance = try await platform.waitForRunning("fn").first!
        let before = ExecSessionPump.liveCount
        try await Self.runSessions(300, parallel: 8, host: platform.embedded.host, port: platform.embedded.port,
                                   token: platform.embedded.token.value, instance: instance.instanceId)
        try await poll(timeout: 15, "pumps to go back to \(before), now \(ExecSessionPump.liveCount)") {
            ExecSessionPump.liveCount <= before
        }
    }

    /// The figure from the issue, measured on a real `porthole serve`: resident
    /// memory after 2,000 more sessions stays within a few MiB.
    func testServerMemoryReturnsAfterTwoThousandSessions() async throws {
        let server = try ServeProcess(functionsYAML: ServeProcess.oneFunction)
        defer { server.stop() }
        let backend = try server.backend()
        var instance: Instance?
        try await poll(timeout: 30, "a running instance") {
            instance = try await backend.listInstances(function: "fn").first { $0.status == .running }
            return instance != nil
        }
        let token = backend.token!.value
        // Warm up: allocator arenas, thread pools and caches reach their working size.
        try await Self.runSessions(400, parallel: 16, host: "127.0.0.1", port: server.port, token: token, instance: instance!.instanceId)
        try await Task.sleep(nanoseconds: 500_000_000)
        let before = try server.residentBytes()
        let started = Date()
        try await Self.runSessions(2000, parallel: 16, host: "127.0.0.1", port: server.port, token: token, instance: instance!.instanceId)
        try await Task.sleep(nanoseconds: 3_000_000_000)   // sessions close their sockets up to 2 s after the status
        let after = try server.residentBytes()
        let growth = Double(after - before) / 1_048_576
        print("serve RSS \(before / 1024) KiB → \(after / 1024) KiB after 2,000 sessions (\(String(format: "%+.1f", growth)) MiB) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        XCTAssertLessThan(growth, 8, "server memory grew by \(growth) MiB over 2,000 sessions")
    }
}
