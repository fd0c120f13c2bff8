@testable import Console
import TerminalEmulator
import XCTest

final class ColorMappingTests: XCTestCase {
    func testDefaultIsMinusOneAndNoColourMapsEverythingToDefault() {
        XCTAssertEqual(ColorMapping.cursesColor(.default, depth: .indexed256), -1)
        XCTAssertEqual(ColorMapping.cursesColor(.rgb(255, 0, 0), depth: .none), -1)
    }

    func testRGBToNearest256() {
        XCTAssertEqual(ColorMapping.cursesColor(.rgb(0x26, 0x26, 0x26), depth: .indexed256), 235)
        XCTAssertEqual(ColorMapping.cursesColor(.rgb(0xda, 0xda, 0xda), depth: .indexed256), 253)
        XCTAssertEqual(ColorMapping.cursesColor(.rgb(0x5f, 0xaf, 0xff), depth: .indexed256), 75)
        XCTAssertEqual(ColorMapping.cursesColor(.rgb(255, 0, 0), depth: .indexed256), 196)
        XCTAssertEqual(ColorMapping.cursesColor(.indexed(200), depth: .indexed256), 200)
    }

    func testDirectColourKeepsRGB() {
        XCTAssertEqual(ColorMapping.cursesColor(.rgb(0x12, 0x34, 0x56), depth: .direct), 0x123456)
        XCTAssertEqual(ColorMapping.cursesColor(.indexed(3), depth: .direct), 3)
        XCTAssertEqual(ColorMapping.cursesColor(.indexed(196), depth: .direct), 0xff0000)
    }

    func testFewerColoursFallBackToTheNearestANSI() {
        XCTAssertEqual(ColorMapping.cursesColor(.indexed(196), depth: .ansi16), 9)
        XCTAssertEqual(ColorMapping.cursesColor(.indexed(12), depth: .ansi8), 4)
        XCTAssertEqual(ColorMapping.cursesColor(.rgb(0, 0, 0), depth: .ansi8), 0)
        XCTAssertEqual(ColorMapping.cursesColor(.rgb(250, 250, 250), depth: .ansi16), 15)
    }

    func testDepthFromColourCount() {
        XCTAssertEqual(ColorDepth(colorCount: 0), .none)
        XCTAssertEqual(ColorDepth(colorCount: 8), .ansi8)
        XCTAssertEqual(ColorDepth(colorCount: 256), .indexed256)
        XCTAssertEqual(ColorDepth(colorCount: 0x100_0000), .direct)
    }
}
