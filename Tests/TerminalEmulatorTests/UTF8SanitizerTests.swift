import XCTest
@testable import TerminalEmulator

final class UTF8SanitizerTests: XCTestCase {
    /// Runs the sanitizer over `chunks` in order and returns what it emitted.
    private func sanitize(_ chunks: [[UInt8]]) -> [UInt8] {
        var s = UTF8Sanitizer()
        var out: [UInt8] = []
        for chunk in chunks { chunk.withUnsafeBytes { s.sanitize($0) { out += $0 } } }
        return out
    }

    private let fffd: [UInt8] = [0xEF, 0xBF, 0xBD]

    func testValidInputPassesUnchanged() {
        let text = Array("plain ASCII, é, 中文, 👍, \u{1B}[31m and more than eight bytes".utf8)
        XCTAssertEqual(sanitize([text]), text)
    }

    func testValidSequencesSplitAnywhere() {
        let text = Array("a€b👍c".utf8)
        for split in 1..<text.count {
            XCTAssertEqual(sanitize([Array(text[..<split]), Array(text[split...])]), text, "split at \(split)")
        }
        XCTAssertEqual(sanitize(text.map { [$0] }), text, "byte by byte")
    }

    func testIllFormedSequencesBecomeOneReplacementEach() {
        XCTAssertEqual(sanitize([[0x61, 0xFF, 0x62]]), [0x61] + fffd + [0x62])
        XCTAssertEqual(sanitize([[0xE2, 0x82, 0x41]]), fffd + [0x41], "truncated 3-byte sequence")
        XCTAssertEqual(sanitize([[0x80, 0x80]]), fffd + fffd, "stray continuation bytes")
        XCTAssertEqual(sanitize([[0xC0, 0xAF]]), fffd + fffd, "overlong")
        XCTAssertEqual(sanitize([[0xED, 0xA0, 0x80]]), fffd + fffd + fffd, "surrogate")
        XCTAssertEqual(sanitize([[0xF4, 0x90, 0x80, 0x80]]), fffd + fffd + fffd + fffd, "beyond U+10FFFF")
        XCTAssertEqual(sanitize([[0xC3], [0x1B, 0x5B]]), fffd + [0x1B, 0x5B], "broken across feeds")
    }

    func testC1ControlsAreReplaced() {
        XCTAssertEqual(sanitize([[0x41, 0xC2, 0x9B, 0x42]]), [0x41] + fffd + [0x42])
        XCTAssertEqual(sanitize([[0xC2], [0x85]]), fffd, "split across feeds")
        XCTAssertEqual(sanitize([[0xC2, 0xA0]]), [0xC2, 0xA0], "U+00A0 is not C1")
    }
}
