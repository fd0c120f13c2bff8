import ExecCore
import XCTest

final class UTF8FrameSplitterTests: XCTestCase {
    func testValidUTF8IsOneTextPiece() {
        var splitter = UTF8FrameSplitter()
        XCTAssertEqual(splitter.split(Array("héllo\n".utf8)), [.init(text: true, bytes: Array("héllo\n".utf8))])
        XCTAssertNil(splitter.flush())
    }

    func testACharacterSplitAcrossReadsIsHeldBack() {
        var splitter = UTF8FrameSplitter()
        let euro = Array("€".utf8)   // 3 bytes
        XCTAssertEqual(splitter.split([UInt8(ascii: "a")] + euro.prefix(1)), [.init(text: true, bytes: [UInt8(ascii: "a")])])
        XCTAssertEqual(splitter.split(Array(euro[1..<2])), [], "still incomplete: nothing to send")
        XCTAssertEqual(splitter.split(Array(euro[2...]) + [UInt8(ascii: "b")]), [.init(text: true, bytes: euro + [UInt8(ascii: "b")])])
    }

    func testInvalidBytesGoAsBinaryAndNothingIsLost() {
        var splitter = UTF8FrameSplitter()
        XCTAssertEqual(splitter.split([0xE2, 0x82]), [])
        XCTAssertEqual(splitter.split([0xFF, 0x41]), [.init(text: false, bytes: [0xE2, 0x82, 0xFF, 0x41])])
        XCTAssertEqual(splitter.split([0xC3]), [])
        XCTAssertEqual(splitter.flush(), .init(text: false, bytes: [0xC3]), "an unfinished character at the end goes as binary")
        XCTAssertFalse(UTF8FrameSplitter.isValid([0xED, 0xA0, 0x80]), "surrogates are not UTF-8")
        XCTAssertFalse(UTF8FrameSplitter.isValid([0xC0, 0x80]), "overlong forms are not UTF-8")
        XCTAssertTrue(UTF8FrameSplitter.isValid([0x01] + Array("ok 🙂".utf8)))
    }
}
