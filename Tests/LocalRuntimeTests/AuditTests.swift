import ExecCore
import Foundation
import LocalRuntime
import Platform
import XCTest

/// Refused exec attempts land in audit.log with who, what and why, never the token.
final class AuditTests: XCTestCase {
    func testRefusedExecAttemptsAreAudited() async throws {
        let platform = try await TestPlatform.simple()
        addTeardownBlock { await platform.shutdown() }   // also when the test fails
        let instance = try await platform.waitForRunning("fn").first!
        let embedded = platform.embedded
        func attempt(_ backend: PortholeServerBackend, instance id: String, command: [String]) async {
            _ = try? await backend.openExec(ExecRequest(functionName: "fn", instanceId: id, command: command),
                                            handlers: ExecCallbacks(onStdout: { _ in }))
        }
        let wrongToken = "wrong-token-\(UUID().uuidString)"
        let intruder = PortholeServerBackend(host: embedded.host, port: embedded.port, token: AccessToken(value: wrongToken))
        await attempt(intruder, instance: instance.instanceId, command: ["cat", "/etc/shadow"])            // 401
        await attempt(platform.backend, instance: "no-such-instance", command: ["id"])                      // 404
        await attempt(platform.backend, instance: instance.instanceId, command: [])                          // 400
        // 410: an instance that was released.
        _ = try await platform.backend.setProvisioned(function: "fn", target: 0)
        try await poll(timeout: 20, "the instance to be released") {
            (try? await platform.backend.describeInstance(function: "fn", id: instance.instanceId))?.instance.status.isLive == false
        }
        await attempt(platform.backend, instance: instance.instanceId, command: ["uptime"])                  // 410

        let log = try String(contentsOf: embedded.platform.options.stateDirectory.auditLog, encoding: .utf8)
        let refusals = log.split(separator: "\n").compactMap { line -> [String: Any]? in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  object["event"] as? String == "exec-refused" else { return nil }
            return object
        }
        let statuses = refusals.compactMap { $0["httpStatus"] as? Int }
        XCTAssertEqual(statuses, [401, 404, 400, 410], log)
        XCTAssertEqual(refusals[0]["identity"] as? String, "wrong token")
        XCTAssertEqual(refusals[0]["argv"] as? [String], ["cat", "/etc/shadow"])
        XCTAssertEqual(refusals[1]["instance"] as? String, "no-such-instance")
        XCTAssertTrue((refusals[1]["identity"] as? String)?.hasPrefix("token:") == true)
        XCTAssertEqual(refusals[3]["code"] as? String, "InstanceReleased", "\(refusals[3])")
        XCTAssertTrue((refusals[3]["reason"] as? String)?.contains("porthole instances fn") == true, "\(refusals[3])")
        XCTAssertTrue(refusals.allSatisfy { ($0["peer"] as? String)?.contains("127.0.0.1") == true })
        XCTAssertFalse(log.contains(wrongToken), "the presented token was logged")
        XCTAssertFalse(log.contains(embedded.token.value), "the server's token was logged")
    }
}
