import XCTest
@testable import TerminalEmulator

final class DamageTests: XCTestCase {
    func testNewTerminalIsAllDamagedThenClean() {
        let h = Harness(cols: 10, rows: 4)
        XCTAssertEqual(h.terminal.takeDamage(), [0, 1, 2, 3])
        XCTAssertEqual(h.terminal.takeDamage(), [])
    }

    func testOnlyChangedRowsAreReported() {
        let h = Harness(cols: 10, rows: 6)
        _ = h.terminal.takeDamage()
        h.feed("\(csi)2;1Hx\(csi)5;3Hy")
        XCTAssertEqual(h.terminal.takeDamage(), [1, 4])
        h.feed("\(csi)1;1H")                      // moving the cursor changes no cell
        XCTAssertEqual(h.terminal.takeDamage(), [])
        h.feed("\(csi)4;1H\(csi)K")
        XCTAssertEqual(h.terminal.takeDamage(), [3])
    }

    func testScrollingDamagesTheScrolledRows() {
        let h = Harness(cols: 10, rows: 4)
        h.feed("\(csi)2;3r")
        _ = h.terminal.takeDamage()
        h.feed("\(csi)3;1H\n")                    // scroll inside rows 1...2
        XCTAssertEqual(h.terminal.takeDamage(), [1, 2])
    }

    func testScreenSwitchAndResizeDamageEverything() {
        let h = Harness(cols: 10, rows: 3)
        _ = h.terminal.takeDamage()
        h.feed("\(csi)?1049h")
        XCTAssertEqual(h.terminal.takeDamage(), [0, 1, 2])
        h.terminal.resize(cols: 12, rows: 4)
        XCTAssertEqual(h.terminal.takeDamage(), [0, 1, 2, 3])
    }
}
