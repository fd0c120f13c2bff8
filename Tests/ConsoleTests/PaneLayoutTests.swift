@testable import Console
import XCTest

final class PaneLayoutTests: XCTestCase {
    private let area = Rect(x: 0, y: 10, width: 160, height: 30)
    private func id(_ n: Int) -> PaneID { PaneID(value: n) }

    func testFirstPaneFillsTheArea() {
        var layout = PaneLayout()
        layout.insert(id(1), nextTo: nil, axis: .beside)
        XCTAssertEqual(layout.frames(in: area), [id(1): area])
    }

    func testSplitBesideHalvesTheFocusedPane() {
        var layout = PaneLayout()
        layout.insert(id(1), nextTo: nil, axis: .beside)
        layout.insert(id(2), nextTo: id(1), axis: .beside)
        let frames = layout.frames(in: area)
        XCTAssertEqual(frames[id(1)], Rect(x: 0, y: 10, width: 80, height: 30))
        XCTAssertEqual(frames[id(2)], Rect(x: 80, y: 10, width: 80, height: 30))
        // A third pane beside the second takes half of the second's share only.
        layout.insert(id(3), nextTo: id(2), axis: .beside)
        let three = layout.frames(in: area)
        XCTAssertEqual(three[id(1)]?.width, 80)
        XCTAssertEqual(three[id(2)]?.width, 40)
        XCTAssertEqual(three[id(3)], Rect(x: 120, y: 10, width: 40, height: 30))
    }

    func testSplitBelowNestsInsideASideBySideSplit() {
        var layout = PaneLayout()
        layout.insert(id(1), nextTo: nil, axis: .beside)
        layout.insert(id(2), nextTo: id(1), axis: .beside)
        layout.insert(id(3), nextTo: id(2), axis: .below)
        let frames = layout.frames(in: area)
        XCTAssertEqual(frames[id(1)], Rect(x: 0, y: 10, width: 80, height: 30))
        XCTAssertEqual(frames[id(2)], Rect(x: 80, y: 10, width: 80, height: 15))
        XCTAssertEqual(frames[id(3)], Rect(x: 80, y: 25, width: 80, height: 15))
        XCTAssertEqual(layout.paneIDs, [id(1), id(2), id(3)])
    }

    func testFramesTileTheAreaExactlyWithOddSizes() {
        var layout = PaneLayout()
        for n in 1...5 { layout.insert(id(n), nextTo: n == 1 ? nil : id(n - 1), axis: n % 2 == 0 ? .beside : .below) }
        let odd = Rect(x: 3, y: 2, width: 101, height: 37)
        let frames = layout.frames(in: odd)
        XCTAssertEqual(frames.count, 5)
        XCTAssertEqual(frames.values.reduce(0) { $0 + $1.width * $1.height }, odd.width * odd.height)
        for (a, ra) in frames {
            XCTAssertTrue(ra.x >= odd.x && ra.maxX <= odd.maxX && ra.y >= odd.y && ra.maxY <= odd.maxY)
            for (b, rb) in frames where a != b {
                let overlaps = ra.x < rb.maxX && rb.x < ra.maxX && ra.y < rb.maxY && rb.y < ra.maxY
                XCTAssertFalse(overlaps, "\(a) \(ra) overlaps \(b) \(rb)")
            }
        }
    }

    func testRemoveGivesTheSpaceBackAndCollapsesSplits() {
        var layout = PaneLayout()
        layout.insert(id(1), nextTo: nil, axis: .beside)
        layout.insert(id(2), nextTo: id(1), axis: .beside)
        layout.insert(id(3), nextTo: id(2), axis: .below)
        layout.remove(id(2))
        XCTAssertEqual(layout.root, .split(.beside, [.pane(id(1)), .pane(id(3))], weights: [1, 1]))
        layout.remove(id(1))
        XCTAssertEqual(layout.root, .pane(id(3)))
        XCTAssertEqual(layout.frames(in: area), [id(3): area])
        layout.remove(id(3))
        XCTAssertTrue(layout.isEmpty)
    }

    func testPresets() {
        var layout = PaneLayout()
        for n in 1...4 { layout.insert(id(n), nextTo: n == 1 ? nil : id(n - 1), axis: .beside) }

        layout.apply(.evenVertical)
        var frames = layout.frames(in: area)
        XCTAssertEqual(Set(frames.values.map(\.width)), [160])
        XCTAssertEqual(frames.values.map(\.height).reduce(0, +), 30)

        layout.apply(.evenHorizontal)
        frames = layout.frames(in: area)
        XCTAssertEqual(Set(frames.values.map(\.width)), [40])

        layout.apply(.mainVertical)
        frames = layout.frames(in: area)
        XCTAssertEqual(frames[id(1)], Rect(x: 0, y: 10, width: 96, height: 30))
        XCTAssertEqual(frames[id(2)]?.x, 96)
        XCTAssertEqual(frames[id(4)]?.maxY, 40)

        layout.apply(.tiled)
        frames = layout.frames(in: area)
        XCTAssertEqual(frames[id(1)], Rect(x: 0, y: 10, width: 80, height: 15))
        XCTAssertEqual(frames[id(4)], Rect(x: 80, y: 25, width: 80, height: 15))
        XCTAssertEqual(layout.paneIDs, [id(1), id(2), id(3), id(4)], "presets keep the pane order")
        XCTAssertEqual(LayoutPreset.tiled.next, .evenHorizontal)
    }

    func testNeighbourFollowsGeometry() {
        var layout = PaneLayout()
        layout.insert(id(1), nextTo: nil, axis: .beside)
        layout.insert(id(2), nextTo: id(1), axis: .beside)
        layout.insert(id(3), nextTo: id(2), axis: .below)
        let frames = layout.frames(in: area)
        XCTAssertEqual(PaneLayout.neighbour(of: id(1), .right, frames: frames), id(2), "the larger overlap wins the tie")
        XCTAssertEqual(PaneLayout.neighbour(of: id(3), .left, frames: frames), id(1))
        XCTAssertEqual(PaneLayout.neighbour(of: id(3), .up, frames: frames), id(2))
        XCTAssertEqual(PaneLayout.neighbour(of: id(2), .down, frames: frames), id(3))
        XCTAssertNil(PaneLayout.neighbour(of: id(1), .left, frames: frames))
        XCTAssertNil(PaneLayout.neighbour(of: id(2), .up, frames: frames))
    }

    func testScreenAreasKeepTheTableUnlessZoomed() {
        let plain = ConsoleLayout.compute(cols: 160, rows: 48, hasPanes: false, zoomed: false)
        XCTAssertEqual(plain.instances.height, 46)
        XCTAssertTrue(plain.panes.isEmpty)
        let split = ConsoleLayout.compute(cols: 160, rows: 48, hasPanes: true, zoomed: false)
        XCTAssertEqual(split.instances.height, 16)
        XCTAssertEqual(split.panes, Rect(x: 0, y: 17, width: 160, height: 30))
        XCTAssertEqual(split.status.y, 47)
        let zoomed = ConsoleLayout.compute(cols: 160, rows: 48, hasPanes: true, zoomed: true)
        XCTAssertTrue(zoomed.instances.isEmpty)
        XCTAssertEqual(zoomed.panes, Rect(x: 0, y: 1, width: 160, height: 46))
    }
}
