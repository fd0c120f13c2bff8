@testable import Console
import Foundation
import Platform
import XCTest

final class InstanceTableLogicTests: XCTestCase {
    private func record(_ id: String, status: InstanceStatus = .running, cpu: Double? = nil, memory: Int64? = nil,
                        provisioned: Bool = false, created: Int64 = 0) -> InstanceRecord {
        let metrics = InstanceMetrics(cpuPercent: cpu, memoryBytes: memory, memoryLimitBytes: 100 << 20, provisioned: provisioned)
        return InstanceRecord(
            instance: Instance(instanceId: id, functionName: "f", status: status, createdTimeMs: created, metrics: metrics),
            goneSince: nil)
    }

    func testSortByColumnAndReverse() {
        let rows = [record("c-a", cpu: 5), record("c-b", cpu: 50), record("c-c", cpu: nil)]
        var query = InstanceQuery()
        query.sort(by: .cpu)
        XCTAssertTrue(query.descending, "numbers sort largest first")
        XCTAssertEqual(query.apply(rows).map(\.id), ["c-b", "c-a", "c-c"])
        query.sort(by: .cpu)
        XCTAssertEqual(query.apply(rows).map(\.id), ["c-c", "c-a", "c-b"])
        query.sort(by: .id)
        XCTAssertEqual(query.apply(rows).map(\.id), ["c-a", "c-b", "c-c"])
        query.shiftSort(by: -1)
        XCTAssertEqual(query.sortColumn, .exec, "shifting wraps around the columns")
    }

    func testIdleIsADashWhereThePlatformCannotTell() {
        // A Kubernetes pod has no idle time: the column must not invent one.
        XCTAssertEqual(InstanceColumn.idle.text(record("c-pod")), "—")
        var known = record("c-local")
        known.instance.metrics?.idleSeconds = 90
        XCTAssertEqual(InstanceColumn.idle.text(known), Format.duration(90))
    }

    func testKeptAliveMarksOnDemandInstancesHeldBySessions() {
        var held = record("c-ond")
        held.instance.metrics?.idleSeconds = 0
        held.instance.metrics?.execSessions = 1
        XCTAssertTrue(InstanceTable.keptAlive(held, here: false), "an open session holds an on-demand instance")
        var quiet = held
        quiet.instance.metrics?.execSessions = 0
        XCTAssertFalse(InstanceTable.keptAlive(quiet, here: false))
        XCTAssertTrue(InstanceTable.keptAlive(quiet, here: true), "a session just opened here, before the next refresh")
        var provisioned = held
        provisioned.instance.metrics?.provisioned = true
        XCTAssertFalse(InstanceTable.keptAlive(provisioned, here: true), "provisioned instances are never released as idle")
        var pod = record("c-pod")
        pod.instance.metrics?.execSessions = 1
        XCTAssertFalse(InstanceTable.keptAlive(pod, here: true), "no idle rule (no idle time reported): nothing to keep alive")
    }

    func testIdleClockCountsDownWarnsAndRestarts() throws {
        let start = Date(timeIntervalSince1970: 1_000_000)
        XCTAssertNil(IdleClock(timeout: 600, rule: .none, now: start), "a platform without the rule gets no countdown")
        XCTAssertNil(IdleClock(timeout: nil, rule: .dataOnly(keepalive: true), now: start))
        var clock = try XCTUnwrap(IdleClock(timeout: 600, rule: .dataOnly(keepalive: true), now: start))
        XCTAssertEqual(clock.titleText(now: start), "idle 10m left")
        XCTAssertEqual(clock.titleText(now: start + 1), "idle 10m left", "rounded up: never less than is left")
        XCTAssertEqual(clock.titleText(now: start + 420), "idle 3m left")
        XCTAssertEqual(clock.titleText(now: start + 500), "idle 100s left")
        XCTAssertFalse(clock.isWarning(now: start + 539))
        XCTAssertTrue(clock.isWarning(now: start + 540), "a minute before")
        XCTAssertEqual(clock.titleText(now: start + 558), "⚠ idle: closes in 42s")
        clock.warned = true
        clock.touch(now: start + 570)
        XCTAssertFalse(clock.warned, "a new idle stretch warns again")
        XCTAssertEqual(clock.titleText(now: start + 570), "idle 10m left")
        let short = try XCTUnwrap(IdleClock(timeout: 8, rule: .dataOnly(keepalive: false), now: start))
        XCTAssertEqual(short.warningLead, 4, "half of a timeout shorter than two minutes")
    }

    func testAgeSortsNewestFirstAscending() {
        let rows = [record("c-old", created: 1_000), record("c-new", created: 9_000)]
        XCTAssertEqual(InstanceQuery().apply(rows).map(\.id), ["c-new", "c-old"])
    }

    func testFilterMatchesEveryWordInIdStatusOrKind() {
        let rows = [record("c-a1", provisioned: true), record("c-a2"), record("c-b3", status: .starting)]
        var query = InstanceQuery()
        query.filter = "c-a"
        XCTAssertEqual(query.apply(rows).map(\.id), ["c-a1", "c-a2"])
        query.filter = "run prov"
        XCTAssertEqual(query.apply(rows).map(\.id), ["c-a1"])
        query.filter = "STARTING"
        XCTAssertEqual(query.apply(rows).map(\.id), ["c-b3"])
        query.filter = "nothing-like-this"
        XCTAssertTrue(query.apply(rows).isEmpty)
    }

    func testThresholds() {
        let thresholds = Thresholds(cpuWarn: 50, cpuCritical: 90, memoryWarn: 70, memoryCritical: 90)
        XCTAssertEqual(thresholds.level(cpu: 10), .normal)
        XCTAssertEqual(thresholds.level(cpu: 50), .warn)
        XCTAssertEqual(thresholds.level(cpu: 95), .critical)
        XCTAssertEqual(thresholds.level(cpu: nil), .normal)
        XCTAssertEqual(thresholds.level(memoryBytes: 75, limitBytes: 100), .warn)
        XCTAssertEqual(thresholds.level(memoryBytes: 95, limitBytes: 100), .critical)
        XCTAssertEqual(thresholds.level(memoryBytes: 95, limitBytes: nil), .normal)
    }

    func testColumnsText() {
        let row = record("c-0123456789ab", cpu: 12.345, memory: 42 << 20, provisioned: true)
        XCTAssertEqual(InstanceColumn.cpu.text(row), "12.3")
        XCTAssertEqual(InstanceColumn.memory.text(row), "42M/100M 42%")
        XCTAssertEqual(InstanceColumn.kind.text(row), "prov")
        XCTAssertEqual(InstanceColumn.requests.text(row), "0/1")
        // A platform that names its own kind and keeps no request counts (a Kubernetes pod).
        var pod = record("web-1")
        pod.instance.metrics?.kind = "deploy"
        pod.instance.metrics?.countsRequests = false
        pod.instance.metrics?.instanceConcurrency = 0
        XCTAssertEqual(InstanceColumn.kind.text(pod), "deploy")
        XCTAssertEqual(InstanceColumn.requests.text(pod), "—")
        XCTAssertEqual(InstanceColumn.exec.text(pod), "—")
        pod.instance.metrics?.instanceConcurrency = 10
        XCTAssertEqual(InstanceColumn.requests.text(pod), "—/10")
        XCTAssertEqual(Format.duration(3_700), "1h")
        XCTAssertEqual(Format.fit("abcdef", 4), "abc…")
        XCTAssertEqual(Format.fit("ab", 4, alignRight: true), "  ab")
    }

    func testReleasedRowsFadeOutInsteadOfVanishing() {
        let store = Store(fadeDuration: 4)
        let t0 = Date(timeIntervalSince1970: 1_000)
        let a = record("c-a").instance, b = record("c-b").instance
        store.apply(PlatformSnapshot(functions: [], instances: [a, b], takenAt: t0))
        XCTAssertEqual(store.liveInstanceCount, 2)

        // b disappears from the listing: still shown, marked gone and released.
        store.apply(PlatformSnapshot(functions: [], instances: [a], takenAt: t0.addingTimeInterval(2)))
        let gone = store.record(id: "c-b")
        XCTAssertNotNil(gone?.goneSince)
        XCTAssertEqual(gone?.instance.status, .released)
        XCTAssertEqual(store.liveInstanceCount, 1)
        XCTAssertEqual(store.instances(of: "f").count, 2)
        XCTAssertEqual(store.nextFadeDeadline, t0.addingTimeInterval(6))

        XCTAssertFalse(store.prune(now: t0.addingTimeInterval(5)))
        XCTAssertTrue(store.prune(now: t0.addingTimeInterval(6)))
        XCTAssertNil(store.record(id: "c-b"))
        XCTAssertEqual(store.instances(of: "f").map(\.id), ["c-a"], "the per-function index follows the prune")
        XCTAssertEqual(store.instances(of: "other"), [])

        // A row the platform itself reports Released fades the same way.
        var released = a
        released.status = .released
        store.apply(PlatformSnapshot(functions: [], instances: [released], takenAt: t0.addingTimeInterval(7)))
        XCTAssertNotNil(store.record(id: "c-a")?.goneSince)
    }

    func testSelectionFollowsTheInstanceNotTheIndex() {
        let store = Store()
        let t0 = Date()
        let instances = ["c-1", "c-2", "c-3"].map { record($0).instance }
        store.apply(PlatformSnapshot(functions: [], instances: instances, takenAt: t0))
        let table = InstanceTable()
        table.query.sort(by: .id)
        table.reload(from: store, function: "f")
        table.move(by: 2)
        XCTAssertEqual(table.selected?.id, "c-3")
        // A new instance sorting first does not move the selection off c-3.
        store.apply(PlatformSnapshot(functions: [], instances: [record("c-0").instance] + instances, takenAt: t0))
        table.reload(from: store, function: "f")
        XCTAssertEqual(table.selected?.id, "c-3")
    }
}
