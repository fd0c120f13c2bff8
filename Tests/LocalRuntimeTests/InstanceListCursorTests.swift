import AsyncHTTPClient
import Foundation
@testable import LocalRuntime
import NIOCore
import Platform
import XCTest

/// The list-all call with a cursor (`since=VERSION`) returns only what changed,
/// so a console listing 10,000 instances each refresh moves only the changes.
final class InstanceListCursorTests: XCTestCase {
    private var started: TestPlatform?

    override func tearDown() async throws {
        await started?.shutdown()
        started = nil
    }
    // MARK: The change log

    private func instance(_ id: String, cpu: Double = 0, uptime: Double = 1, idle: Double = 1, status: InstanceStatus = .running) -> Instance {
        Instance(instanceId: id, functionName: "fn", status: status, createdTimeMs: 1,
                 metrics: InstanceMetrics(cpuPercent: cpu, uptimeSeconds: uptime, idleSeconds: idle))
    }

    func testNoCursorIsTheWholeListAndAnUnchangedListSendsNothing() {
        var log = InstanceChangeLog()
        log.record([instance("a"), instance("b")])
        let first = log.changes(since: nil)
        XCTAssertTrue(first.full)
        XCTAssertEqual(first.instances.map(\.instanceId), ["a", "b"])

        // Only the clocks moved: nothing to send.
        log.record([instance("a", uptime: 5, idle: 5), instance("b", uptime: 5, idle: 3)])
        let second = log.changes(since: first.version)
        XCTAssertFalse(second.full)
        XCTAssertEqual(second.instances, [])
        XCTAssertEqual(second.removed, [])
        XCTAssertEqual(second.version, first.version)
    }

    func testCursorReturnsChangedNewAndRemovedOnly() {
        var log = InstanceChangeLog()
        log.record([instance("a"), instance("b"), instance("c")])
        let cursor = log.changes(since: nil).version
        log.record([instance("a", cpu: 42), instance("c"), instance("d")])
        let changes = log.changes(since: cursor)
        XCTAssertFalse(changes.full)
        XCTAssertEqual(changes.instances.map(\.instanceId), ["a", "d"])
        XCTAssertEqual(changes.instances.first?.metrics?.cpuPercent, 42)
        XCTAssertEqual(changes.removed, ["b"])
        XCTAssertGreaterThan(changes.version, cursor)
        // Busy (idle 0) to idle is a change; the status too.
        log.record([instance("a", cpu: 42, idle: 0), instance("c", status: .released), instance("d")])
        XCTAssertEqual(log.changes(since: changes.version).instances.map(\.instanceId), ["a", "c"])
    }

    func testUnknownOrForgottenCursorGetsTheWholeList() {
        var log = InstanceChangeLog(removalsKept: 1)
        log.record([instance("a"), instance("b"), instance("c")])
        let cursor = log.changes(since: nil).version
        XCTAssertTrue(log.changes(since: cursor + 100).full, "a cursor from the future")
        var restarted = InstanceChangeLog(epoch: log.epoch % 4095 + 1)
        restarted.record([instance("a"), instance("b"), instance("c"), instance("d")])
        XCTAssertTrue(restarted.changes(since: cursor).full, "a cursor from before a restart")
        log.record([instance("a")])   // two removals; only one is kept
        let changes = log.changes(since: cursor)
        XCTAssertTrue(changes.full)
        XCTAssertEqual(changes.instances.map(\.instanceId), ["a"])
    }

    // MARK: Over HTTP, with stand-ins

    func testListAllWithSinceReturnsOnlyTheNewInstance() async throws {
        let platform = try await TestPlatform(functionsYAML: """
            functions:
              - functionName: fleet
                code: ./fn
                customRuntimeConfig: {command: [python3, server.py]}
                idleTimeout: 86400
            """)
        started = platform
        let standIns = try platform.embedded.platform.addStandIns(count: 200, function: "fleet")

        let all = try await listAll(platform, query: "")
        XCTAssertEqual(all.full, true)
        XCTAssertEqual(Set(all.instances.map(\.instanceId)), Set(standIns))
        let version = try XCTUnwrap(all.version)

        let nothing = try await listAll(platform, query: "&since=\(version)")
        XCTAssertEqual(nothing.full, false)
        XCTAssertEqual(nothing.instances.map(\.instanceId), [])

        let added = try platform.embedded.platform.addStandIns(count: 1, function: "fleet")
        let delta = try await listAll(platform, query: "&since=\(version)")
        XCTAssertEqual(delta.full, false)
        XCTAssertEqual(delta.instances.map(\.instanceId), added)
        XCTAssertGreaterThan(try XCTUnwrap(delta.version), version)

        // The backend's cache serves the whole list from those deltas.
        let first = try await platform.backend.listInstances(function: nil)
        _ = try platform.embedded.platform.addStandIns(count: 2, function: "fleet")
        let second = try await platform.backend.listInstances(function: nil)
        XCTAssertEqual(first.count, 201)
        XCTAssertEqual(second.count, 203)
        XCTAssertEqual(Set(second.map(\.instanceId)), Set(try platform.embedded.platform.listInstances(function: nil).map(\.instanceId)))
    }

    func testABadCursorIsAClearError() async throws {
        let platform = try await TestPlatform.simple()
        started = platform
        let (status, body) = try await get(platform, "/2023-03-30/instances?since=yesterday")
        XCTAssertEqual(status, 400)
        XCTAssertTrue(String(decoding: body, as: UTF8.self).contains("since=yesterday is not a list version"))
    }

    // MARK: Helpers

    struct Answer: Decodable {
        var instances: [Instance]
        var version: UInt64?
        var removed: [String]?
        var full: Bool?
    }

    private func listAll(_ platform: TestPlatform, query: String) async throws -> Answer {
        let (status, body) = try await get(platform, "/2023-03-30/instances?withMetrics=true" + query)
        XCTAssertEqual(status, 200)
        return try JSONDecoder().decode(Answer.self, from: Data(body))
    }

    private func get(_ platform: TestPlatform, _ path: String) async throws -> (Int, [UInt8]) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(platform.embedded.port)\(path)")
        request.headers.add(name: "Authorization", value: "Bearer \(platform.embedded.token.value)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let data = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), Array(data.readableBytesView))
    }
}
