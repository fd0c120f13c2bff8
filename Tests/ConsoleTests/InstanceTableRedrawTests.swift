@testable import Console
import Foundation
import Platform
import XCTest

/// The table draws only the visible lines whose content changed since the last
/// frame, so a refresh of 10,000 instances redraws the few rows that moved.
final class InstanceTableRedrawTests: XCTestCase {
    private let inner = Rect(x: 1, y: 1, width: 120, height: 11)

    private func snapshot(count: Int, cpuOf: (Int) -> Double = { _ in 1 }) -> PlatformSnapshot {
        let instances = (0..<count).map { index in
            Instance(instanceId: String(format: "c-%06d", index), functionName: "f", status: .running, createdTimeMs: Int64(index),
                     metrics: InstanceMetrics(cpuPercent: cpuOf(index), memoryBytes: 1 << 20, memoryLimitBytes: 128 << 20))
        }
        return PlatformSnapshot(functions: [], instances: instances, takenAt: Date())
    }

    private func lines(_ table: InstanceTable) -> [Int] {
        table.changedLines(visible: 10, inner: inner, focused: true, thresholds: Thresholds()).map(\.line)
    }

    func testOnlyChangedVisibleLinesAreDrawnAgain() {
        let store = Store()
        let table = InstanceTable()
        table.query.sort(by: .id)
        table.query.descending = false
        store.apply(snapshot(count: 10_000))
        table.reload(from: store, function: nil)
        XCTAssertEqual(lines(table), Array(0..<10), "the first frame draws every visible line")
        XCTAssertEqual(lines(table), [], "nothing changed, nothing drawn")

        // A refresh where one visible and one hidden instance changed.
        store.apply(snapshot(count: 10_000, cpuOf: { $0 == 3 || $0 == 5_000 ? 77 : 1 }))
        table.reload(from: store, function: nil)
        XCTAssertEqual(lines(table), [3])

        // Moving the selection redraws the line it left and the one it reached.
        table.move(by: 1)
        XCTAssertEqual(lines(table), [0, 1])

        // After the screen was cleared (or covered), everything again.
        table.invalidate()
        XCTAssertEqual(lines(table), Array(0..<10))
    }

    func testLinesThatEmptiedAreBlankedOnce() {
        let store = Store(fadeDuration: 0)
        let table = InstanceTable()
        table.query.sort(by: .id)
        table.query.descending = false
        store.apply(snapshot(count: 4))
        table.reload(from: store, function: nil)
        XCTAssertEqual(lines(table), [0, 1, 2, 3])
        store.apply(snapshot(count: 2))
        table.reload(from: store, function: nil)
        let changed = table.changedLines(visible: 10, inner: inner, focused: true, thresholds: Thresholds())
        XCTAssertEqual(changed.map(\.line), [2, 3])
        XCTAssertTrue(changed.allSatisfy { $0.image == nil }, "the rows that went are blanked")
        XCTAssertEqual(lines(table), [])
    }
}
