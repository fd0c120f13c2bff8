import ExecCore
import Foundation
import LocalRuntime
import Platform
import XCTest

/// Issue 11: a function that keeps failing is restarted with exponential backoff
/// and shows CrashLoop with its last exit reason; its logs stay bounded; and the
/// server caps live instances and starts per second.
final class CrashLoopTests: XCTestCase {
    var platform: TestPlatform?

    override func tearDown() async throws {
        await platform?.shutdown()
    }

    func testFailingFunctionBacksOffShowsCrashLoopAndKeepsFewLogs() async throws {
        let p = try await TestPlatform(functionsYAML: """
            functions:
              - functionName: dies
                code: ./fn
                customRuntimeConfig: {command: [sh, -c, "echo dying; exit 1"]}
                provisioned: 1
              - functionName: dies-on-call
                code: ./fn
                customRuntimeConfig: {command: [sh, -c, "exit 2"]}
            """) {
            $0.restartBackoff = RestartBackoff(initial: 0.2, maximum: 0.8, healthyAfter: 30)
            $0.logsKeptPerFunction = 3
        }
        platform = p
        var seen: [Instance] = []
        try await poll(timeout: 15, "four failures; saw \(seen.map { "\($0.instanceId) \($0.status)" })") {
            seen = try await p.backend.listInstances(function: "dies").filter { !$0.status.isLive }
            return seen.count >= 4
        }
        let firstCount = seen.count
        try await Task.sleep(nanoseconds: 2_000_000_000)
        let later = try await p.backend.listInstances(function: "dies")
        let ended = later.filter { !$0.status.isLive }
        // 0.8 s apart at most: about 3 more in 2 s; without backoff it would be hundreds.
        XCTAssertLessThanOrEqual(ended.count - firstCount, 5, "restarts in 2 s at a 0.8 s cap: \(ended.count - firstCount)")
        let looping = ended.filter { $0.status == .crashLoop }
        XCTAssertEqual(looping.count, 1, "one CrashLoop row per function: \(ended.map { "\($0.instanceId) \($0.status)" })")
        let reason = looping.first?.metrics?.endReason ?? ""
        XCTAssertTrue(reason.contains("exited with code 1"), reason)
        XCTAssertTrue(reason.contains("failures in a row, next start in"), reason)
        let logs = try FileManager.default.contentsOfDirectory(atPath: p.directory.appendingPathComponent("state/logs").path)
        XCTAssertLessThanOrEqual(logs.count, 3 + 1, "ended logs kept: 3, plus a live one: \(logs)")
        // An on-demand call whose instances keep dying is told why once the backoff starts.
        do {
            _ = try await p.backend.invoke(function: "dies-on-call", body: [])
            XCTFail("an invocation of a function that cannot start succeeded")
        } catch let error as PlatformError {
            guard case .api(let status, let code, let message) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(status, 503, message)
            XCTAssertEqual(code, "CrashLoop", message)
            XCTAssertTrue(message.contains("keep failing") && message.contains("exited with code 2"), message)
        }
    }

    func testHealthyRunResetsTheBackoff() async throws {
        let p = try await TestPlatform(functionsYAML: """
            functions:
              - functionName: flaky
                code: ./fn
                customRuntimeConfig:
                  command: [sh, -c, "n=$(cat tries 2>/dev/null || echo 0); echo $((n+1)) > tries; [ $n -ge 2 ] && exec python3 server.py; exit 1"]
                provisioned: 1
            """) { $0.restartBackoff = RestartBackoff(initial: 0.2, maximum: 5, healthyAfter: 0.5) }
        platform = p
        let running = try await p.waitForRunning("flaky")[0]
        let before = try await p.backend.listInstances(function: "flaky").filter { !$0.status.isLive }
        XCTAssertEqual(before.count, 2, "two failures before it ran: \(before.map(\.status))")
        // Healthy for longer than healthyAfter (and a housekeeping tick): the count starts over.
        try await Task.sleep(nanoseconds: 1_600_000_000)
        let detail = try await p.backend.describeInstance(function: "flaky", id: running.instanceId)
        kill(try XCTUnwrap(detail.facts["pid"].flatMap { Int32($0) }), SIGKILL)
        try await poll(timeout: 10, "a replacement running") {
            try await p.backend.listInstances(function: "flaky").contains { $0.status == .running && $0.instanceId != running.instanceId }
        }
        let killed = try await p.backend.listInstances(function: "flaky").first { $0.instanceId == running.instanceId }
        XCTAssertEqual(killed?.status, .failed, "a failure after a healthy run is a first failure, not a crash loop: \(killed?.metrics?.endReason ?? "")")
    }

    func testStartsPerSecondAreCapped() async throws {
        let p = try await TestPlatform(functionsYAML: """
            functions:
              - functionName: many
                code: ./fn
                customRuntimeConfig: {command: [sleep, "60"]}
                provisioned: 12
                maxInstances: 12
            """) {
            $0.limits = PlatformLimits(maxInstances: 50, startsPerSecond: 4)
            $0.startTimeout = 60
        }
        platform = p
        var all: [Instance] = []
        try await poll(timeout: 15, "12 instances started; saw \(all.count)") {
            all = try await p.backend.listInstances(function: "many")
            return all.count >= 12
        }
        let times = all.map(\.createdTimeMs).sorted()
        for i in 0..<(times.count - 4) {
            XCTAssertGreaterThanOrEqual(times[i + 4] - times[i], 999, "5 starts within a second at a cap of 4/s: \(times)")
        }
    }

    func testOnDemandPastTheServerCapIs429() async throws {
        let p = try await TestPlatform(functionsYAML: """
            functions:
              - functionName: kept
                code: ./fn
                customRuntimeConfig: {command: [python3, server.py]}
                provisioned: 1
              - functionName: burst
                code: ./fn
                customRuntimeConfig: {command: [python3, server.py]}
            """) { $0.limits = PlatformLimits(maxInstances: 1, startsPerSecond: 20) }
        platform = p
        try await p.waitForRunning("kept")
        do {
            _ = try await p.backend.invoke(function: "burst", body: [])
            XCTFail("an instance past the server's cap started")
        } catch let error as PlatformError {
            guard case .api(let status, let code, let message) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(status, 429)
            XCTAssertEqual(code, "ResourceExhausted")
            XCTAssertTrue(message.contains("cap") && message.contains("--max-instances"), message)
        }
    }

    // MARK: The spec file

    func spec(_ yaml: String, maxInstances: Int? = nil) throws -> SpecFile {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-caps-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("fn"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try SpecLoader.parseFile(yaml, file: directory.appendingPathComponent("functions.yaml"), maxInstances: maxInstances)
    }

    func testSpecPastTheInstanceCapIsRefusedAtItsLine() throws {
        let functions = (0..<10).map { "  - functionName: f\($0)\n    code: ./fn\n    customRuntimeConfig: {command: [true]}\n    provisioned: 1000\n    maxInstances: 1000\n" }
        XCTAssertThrowsError(try spec("functions:\n" + functions.joined())) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("functions.yaml:5: functions[0].provisioned:"), message)
            XCTAssertTrue(message.contains("1000, past this server's cap of 200"), message)
        }
        let two = """
            limits: {maxInstances: 5, startsPerSecond: 7}
            functions:
              - functionName: a
                code: ./fn
                customRuntimeConfig: {command: [true]}
                provisioned: 3
              - functionName: b
                code: ./fn
                customRuntimeConfig: {command: [true]}
                provisioned: 3
            """
        XCTAssertThrowsError(try spec(two)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("functions.yaml:10: functions[1].provisioned:"), message)
            XCTAssertTrue(message.contains("add up to 6, past this server's cap of 5"), message)
            XCTAssertTrue(message.contains("set in the spec file"), message)
        }
        let raised = try spec(two, maxInstances: 6)
        XCTAssertEqual(raised.limits.maxInstances, 6)
        XCTAssertEqual(raised.limits.startsPerSecond, 7)
        XCTAssertThrowsError(try spec(two, maxInstances: 4)) { error in
            XCTAssertTrue("\(error)".contains("set by --max-instances"), "\(error)")
        }
        XCTAssertThrowsError(try spec("limits: {maxProcesses: 3}\nfunctions: []\n")) { error in
            XCTAssertTrue("\(error)".contains("functions.yaml:1: limits.maxProcesses: unknown field"), "\(error)")
        }
    }
}
