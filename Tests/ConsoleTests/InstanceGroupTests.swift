@testable import Console
import Foundation
import XCTest

/// "Log into every instance": when it asks first, which new instances get a pane,
/// and how a group lets go of closed panes; the file names of pane recordings.
final class InstanceGroupTests: XCTestCase {
    func testAsksOnlyPastSixteenInstances() {
        XCTAssertFalse(InstanceGroup.needsConfirmation(count: 1))
        XCTAssertFalse(InstanceGroup.needsConfirmation(count: 16))
        XCTAssertTrue(InstanceGroup.needsConfirmation(count: 17))
        XCTAssertTrue(InstanceGroup.needsConfirmation(count: 400))
    }

    func testNewInstancesOpenUpToTheThresholdAndTheRestAreOffered() {
        var group = InstanceGroup(functionName: "hello")
        group.paneIDs = (1...14).map { PaneID(value: $0) }
        group.known = Set((1...14).map { "c-\($0)" })
        let live = (1...14).map { "c-\($0)" } + ["c-new1", "c-new2", "c-new3"]
        let (open, offer) = group.arrivals(live: live)
        XCTAssertEqual(open, ["c-new1", "c-new2"], "two more make sixteen panes")
        XCTAssertEqual(offer, ["c-new3"])
        group.known.formUnion(open + offer)
        XCTAssertEqual(group.arrivals(live: live).open, [], "an instance already met is not new again")
        XCTAssertEqual(group.arrivals(live: live).offer, [])
    }

    func testClosingAGroupsPanesEndsTheGroup() {
        var space = Workspace()
        var ids: [PaneID] = []
        for n in 1...2 {
            let id = space.makePaneID()
            space.panes[id] = Pane(id: id, functionName: "hello", instanceId: "c-\(n)", purpose: .login)
            space.layout.insert(id, nextTo: ids.last, axis: .beside)
            ids.append(id)
        }
        space.groups["hello"] = InstanceGroup(functionName: "hello", paneIDs: ids, known: ["c-1", "c-2"])
        XCTAssertEqual(space.synchronize(ids), 2)
        XCTAssertTrue(space.synchronized)
        XCTAssertEqual(space.inputTargets(from: space.panes[ids[0]]!).count, 1, "only open sessions receive keys")
        _ = space.remove(ids[0])
        XCTAssertEqual(space.groups["hello"]?.paneIDs, [ids[1]])
        _ = space.remove(ids[1])
        XCTAssertNil(space.groups["hello"])
    }

    func testRecordingFileNamesSayFunctionInstanceAndTime() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone.current
        let date = calendar.date(from: DateComponents(year: 2026, month: 3, day: 4, hour: 5, minute: 6, second: 7))!
        XCTAssertEqual(PaneRecorder.fileName(functionName: "hello", instanceId: "c-0123456789ab", date: date),
                       "hello_c-0123456789ab_20260304-050607.cast")
        XCTAssertEqual(PaneRecorder.fileName(functionName: "team-a/api", instanceId: "api-7d9f-x2", date: date, number: 2),
                       "team-a_api_api-7d9f-x2_20260304-050607_2.cast", "a slash never makes a directory")
        XCTAssertEqual(PaneRecorder.fileName(functionName: "..", instanceId: "c-1", date: date),
                       "_.._c-1_20260304-050607.cast", "never a hidden or parent name")
    }
}

extension InstanceGroupTests {
    func testARecordingDirectoryThatCannotBeMadeIsAnErrorNamingIt() {
        let blocker = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-not-a-dir-\(getpid())")
        FileManager.default.createFile(atPath: blocker.path, contents: Data("a file".utf8))
        defer { try? FileManager.default.removeItem(at: blocker) }
        let directory = blocker.appendingPathComponent("recordings")
        XCTAssertThrowsError(try PaneRecorder.makeWriter(
            functionName: "hello", instanceId: "c-1", purpose: .login, cols: 80, rows: 24, directory: directory)) { error in
            XCTAssertEqual("\(error)", "cannot create the recording \(directory.path)/: Not a directory")
        }
    }
}
