import XCTest
@testable import TerminalEmulator

/// Mouse reports for programs that ask for them, in each encoding.
final class MouseTests: XCTestCase {
    func testNothingIsSentWhileReportingIsOff() {
        let h = Harness(cols: 20, rows: 5)
        XCTAssertFalse(h.terminal.sendMouse(.left, pressed: true, row: 1, col: 1))
        XCTAssertEqual(h.takeSent(), [])
    }

    func testSGRReportsPressReleaseAndWheel() {
        let h = Harness(cols: 20, rows: 5)
        h.feed("\(csi)?1000h\(csi)?1006h")
        XCTAssertTrue(h.terminal.sendMouse(.left, pressed: true, row: 2, col: 4))
        XCTAssertEqual(h.takeSentString(), "\(csi)<0;5;3M")
        h.terminal.sendMouse(.left, pressed: false, row: 2, col: 4)
        XCTAssertEqual(h.takeSentString(), "\(csi)<0;5;3m")
        h.terminal.sendMouse(.wheelUp, pressed: true, row: 0, col: 0)
        XCTAssertEqual(h.takeSentString(), "\(csi)<64;1;1M")
        h.terminal.sendMouse(.wheelDown, pressed: true, row: 0, col: 0)
        XCTAssertEqual(h.takeSentString(), "\(csi)<65;1;1M")
        h.terminal.sendMouse(.right, pressed: true, row: 4, col: 19, modifiers: .ctrl)
        XCTAssertEqual(h.takeSentString(), "\(csi)<18;20;5M")
    }

    func testX10EncodingByDefault() {
        let h = Harness(cols: 20, rows: 5)
        h.feed("\(csi)?1000h")
        h.terminal.sendMouse(.left, pressed: true, row: 0, col: 0)
        XCTAssertEqual(h.takeSent(), [0x1B, 0x5B, 0x4D, 0x20, 0x21, 0x21])
        h.terminal.sendMouse(.left, pressed: false, row: 0, col: 0)
        XCTAssertEqual(h.takeSent(), [0x1B, 0x5B, 0x4D, 0x23, 0x21, 0x21])
    }

    func testDragModeReportsMotionWithAButtonHeld() {
        let h = Harness(cols: 20, rows: 5)
        h.feed("\(csi)?1002h\(csi)?1006h")
        h.terminal.sendMouse(.left, pressed: true, row: 1, col: 1)
        XCTAssertEqual(h.takeSentString(), "\(csi)<0;2;2M")
        h.terminal.sendMouse(.left, pressed: false, row: 1, col: 3)
        XCTAssertEqual(h.takeSentString(), "\(csi)<32;4;2M\(csi)<0;4;2m")
    }

    func testEventsOutsideTheScreenAreRefused() {
        let h = Harness(cols: 20, rows: 5)
        h.feed("\(csi)?1000h\(csi)?1006h")
        XCTAssertFalse(h.terminal.sendMouse(.left, pressed: true, row: 5, col: 0))
        XCTAssertFalse(h.terminal.sendMouse(.left, pressed: true, row: 0, col: -1))
        XCTAssertEqual(h.takeSent(), [])
    }
}
