import XCTest
@testable import TerminalEmulator

/// The arena ring against a plain array doing the same thing.
final class ScrollbackRingTests: XCTestCase {
    private func line(_ id: Int, length: Int) -> [StoredCell] {
        (0..<length).map { StoredCell(char: UInt32(0x41 + $0 % 26), fg: UInt32(id), bg: 0, attrs: 0, wide: false) }
    }

    private func contents(_ ring: ScrollbackRing) -> [[StoredCell]] {
        (0..<ring.count).map { Array(ring.line($0)) }
    }

    func testMatchesASimpleModelUnderRandomUse() {
        var generator = SystemRandomNumberGenerator()
        for limit in [1, 3, 50, 400] {
            var ring = ScrollbackRing(limit: limit)
            defer { ring.release() }
            var model: [[StoredCell]] = []          // newest first
            for step in 0..<6000 {
                switch Int.random(in: 0..<20, using: &generator) {
                case 0:
                    let popped = ring.popNewest()
                    XCTAssertEqual(popped, model.isEmpty ? nil : model.removeFirst(), "limit \(limit) step \(step)")
                case 1 where step % 500 == 1:
                    let newLimit = Int.random(in: 0...limit, using: &generator)
                    ring.setLimit(newLimit)
                    model = Array(model.prefix(newLimit))
                    ring.setLimit(limit)
                case 2 where step % 700 == 2:
                    ring.removeAll()
                    model.removeAll()
                default:
                    // Lengths from empty to long, so the arena wraps and grows.
                    let length = [0, 1, 5, 80, 300][Int.random(in: 0..<5, using: &generator)]
                    var cells = line(step, length: length)
                    cells += Array(repeating: .blank(), count: 3)     // trailing blanks are trimmed
                    cells.withUnsafeBufferPointer { ring.push($0.baseAddress!, count: $0.count) }
                    model.insert(line(step, length: length), at: 0)
                    if model.count > limit { model.removeLast() }
                }
                XCTAssertEqual(ring.count, model.count, "limit \(limit) step \(step)")
                if step % 97 == 0 {
                    XCTAssertEqual(contents(ring), model, "limit \(limit) step \(step)")
                }
            }
            XCTAssertEqual(contents(ring), model, "limit \(limit) at the end")
        }
    }

    func testBlankLinesTakeNoRoom() {
        var ring = ScrollbackRing(limit: 10)
        defer { ring.release() }
        let blank = [StoredCell](repeating: .blank(), count: 80)
        for _ in 0..<25 { blank.withUnsafeBufferPointer { ring.push($0.baseAddress!, count: 80) } }
        XCTAssertEqual(ring.count, 10)
        XCTAssertEqual(ring.line(0).count, 0)
        XCTAssertEqual(ring.popNewest(), [])
    }
}
