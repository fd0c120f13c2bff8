@testable import Console
import XCTest

/// The panes' arrangement as a value: ids, Tab order, synchronized marks, and
/// where focus goes when a pane closes.
final class WorkspaceTests: XCTestCase {
    private func workspace(panes count: Int) -> Workspace {
        var workspace = Workspace()
        for _ in 0..<count {
            let id = workspace.makePaneID()
            workspace.panes[id] = Pane(id: id, functionName: "fn", instanceId: "c-\(id.value)", purpose: .login)
            workspace.layout.insert(id, nextTo: workspace.focus.paneID, axis: .beside)
            workspace.focus = .pane(id)
            workspace.lastPaneFocus = id
        }
        return workspace
    }

    func testTabCyclesFunctionsInstancesAndTheLastPane() {
        var space = workspace(panes: 2)
        let last = space.lastPaneFocus!
        space.focus = .instances
        XCTAssertEqual(space.cycledFocus(forward: true), .pane(last))
        XCTAssertEqual(space.cycledFocus(forward: false), .functions)
        space.focus = .pane(last)
        XCTAssertEqual(space.cycledFocus(forward: true), .functions)
        XCTAssertEqual(Workspace().cycledFocus(forward: true), .functions, "no panes: between the two tables")
    }

    func testSynchronizingWithNothingMarkedMarksEveryPaneAndUnmarksAfter() {
        var space = workspace(panes: 3)
        XCTAssertEqual(space.toggleSynchronized(), 3)
        XCTAssertTrue(space.panes.values.allSatisfy(\.marked))
        XCTAssertEqual(space.toggleSynchronized(), 0)
        XCTAssertFalse(space.panes.values.contains(where: \.marked))
        // Marked by hand: only those, and they stay marked.
        space.panes[space.lastPaneFocus!]!.marked = true
        XCTAssertEqual(space.toggleSynchronized(), 1)
        XCTAssertEqual(space.toggleSynchronized(), 1)
    }

    func testSynchronizingLeavesLogPanesOut() {
        var space = workspace(panes: 2)
        let id = space.makePaneID()
        space.panes[id] = Pane(id: id, functionName: "fn", instanceId: "c-1", purpose: .logs(previous: false))
        space.layout.insert(id, nextTo: space.focus.paneID, axis: .beside)
        XCTAssertEqual(space.toggleSynchronized(), 2, "a log pane takes no input")
        XCTAssertFalse(space.panes[id]!.marked)
    }

    func testClosingTheFocusedPaneFocusesItsNeighbour() {
        var space = workspace(panes: 3)
        let ids = space.layout.paneIDs
        space.focus = .pane(ids[1])
        let (closed, next) = space.remove(ids[1])
        XCTAssertEqual(closed?.id, ids[1])
        XCTAssertEqual(next, ids[2])
        XCTAssertEqual(space.visiblePaneIDs, [ids[0], ids[2]])
        space.synchronized = true
        space.focus = .instances
        XCTAssertNil(space.remove(ids[0]).nextFocus, "the table keeps focus")
        space.focus = .pane(ids[2])
        XCTAssertNil(space.remove(ids[2]).nextFocus)
        XCTAssertEqual(space.focus, .instances)
        XCTAssertFalse(space.synchronized, "no panes, no synchronized input")
        XCTAssertNotEqual(space.makePaneID(), ids[2], "ids are never reused")
    }
}
