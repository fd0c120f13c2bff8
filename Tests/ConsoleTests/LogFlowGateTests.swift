@testable import Console
import Foundation
import XCTest

/// The log pane's back-pressure: a closed gate holds the reader until
/// receiving resumes, or until the reader's task is cancelled.
final class LogFlowGateTests: XCTestCase {
    private final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        func set() { lock.withLock { value = true } }
        var isSet: Bool { lock.withLock { value } }
    }

    func testAClosedGateHoldsTheReaderUntilReceivingResumes() async {
        let gate = LogFlowGate()
        await gate.waitWhileClosed()  // open: returns at once
        gate.setReceiving(false)
        let passed = Flag()
        let reader = Task.detached {
            await gate.waitWhileClosed()
            passed.set()
        }
        try? await Task.sleep(nanoseconds: 100_000_000)
        XCTAssertFalse(passed.isSet, "a closed gate let the reader through")
        gate.setReceiving(true)
        await reader.value
        XCTAssertTrue(passed.isSet)
    }

    func testCancellingTheReaderLetsItGo() async {
        let gate = LogFlowGate()
        gate.setReceiving(false)
        let passed = Flag()
        let reader = Task.detached {
            await gate.waitWhileClosed()
            passed.set()
        }
        try? await Task.sleep(nanoseconds: 50_000_000)
        XCTAssertFalse(passed.isSet)
        reader.cancel()
        await reader.value
        XCTAssertTrue(passed.isSet)
        // Once let go for good, a closed gate no longer holds anyone (the pane is closing).
        gate.setReceiving(false)
        await gate.waitWhileClosed()
    }
}
