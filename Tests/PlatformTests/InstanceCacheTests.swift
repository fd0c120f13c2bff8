import Foundation
import XCTest

@testable import Platform

/// The backend's instance cache: whole lists, deltas, removals, answers that
/// crossed, and clocks that advance between answers.
final class InstanceCacheTests: XCTestCase {
    private func instance(_ id: String, function: String = "fn", created: Int64, uptime: Double = 10, idle: Double = 5,
                          status: InstanceStatus = .running) -> Instance {
        Instance(instanceId: id, functionName: function, status: status, createdTimeMs: created,
                 metrics: InstanceMetrics(uptimeSeconds: uptime, idleSeconds: idle))
    }

    func testDeltasUpdateAddAndRemoveInServerOrder() {
        let cache = InstanceCache()
        XCTAssertNil(cache.cursor)
        cache.apply(instances: [instance("a", created: 1), instance("b", created: 2)], version: 5, removed: [], full: true, at: 100)
        XCTAssertEqual(cache.cursor, 5)
        cache.apply(instances: [instance("c", function: "aaa", created: 3), instance("a", created: 1, status: .stopping)],
                    version: 7, removed: ["b"], full: false, at: 100)
        let list = cache.list(at: 100)
        XCTAssertEqual(list.map(\.instanceId), ["c", "a"], "by function, then oldest first")
        XCTAssertEqual(list.last?.status, .stopping)
        XCTAssertEqual(cache.cursor, 7)
    }

    func testAnOlderAnswerThatArrivesLateIsIgnored() {
        let cache = InstanceCache()
        cache.apply(instances: [instance("a", created: 1)], version: 9, removed: [], full: true, at: 0)
        cache.apply(instances: [], version: 4, removed: ["a"], full: false, at: 0)
        XCTAssertEqual(cache.list(at: 0).map(\.instanceId), ["a"])
        XCTAssertEqual(cache.cursor, 9)
    }

    func testClocksAdvanceForLiveInstancesOnly() {
        let cache = InstanceCache()
        cache.apply(instances: [instance("live", created: 1), instance("busy", created: 2, idle: 0),
                                instance("gone", created: 3, status: .released)],
                    version: 1, removed: [], full: true, at: 50)
        let list = cache.list(at: 53)
        XCTAssertEqual(list[0].metrics?.uptimeSeconds, 13)
        XCTAssertEqual(list[0].metrics?.idleSeconds, 8)
        XCTAssertEqual(list[1].metrics?.idleSeconds, 0, "a busy instance stays busy until the server says otherwise")
        XCTAssertEqual(list[2].metrics?.uptimeSeconds, 10, "an ended instance's uptime is final")
    }

    func testAWholeListAppliesEvenWithASmallerVersion() {
        let cache = InstanceCache()
        cache.apply(instances: [instance("a", created: 1)], version: 9_000, removed: [], full: true, at: 0)
        cache.apply(instances: [instance("b", created: 1)], version: 5, removed: [], full: true, at: 0)
        XCTAssertEqual(cache.list(at: 0).map(\.instanceId), ["b"], "a restarted server's list")
        XCTAssertEqual(cache.cursor, 5)
    }

    func testAServerWithoutCursorsReplacesTheListEachTime() {
        let cache = InstanceCache()
        cache.apply(instances: [instance("a", created: 1)], version: nil, removed: [], full: true, at: 0)
        cache.apply(instances: [instance("b", created: 1)], version: nil, removed: [], full: true, at: 0)
        XCTAssertEqual(cache.list(at: 0).map(\.instanceId), ["b"])
        XCTAssertNil(cache.cursor)
    }
}
