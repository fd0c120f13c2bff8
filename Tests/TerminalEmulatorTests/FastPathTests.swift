import TestSupport
import XCTest
@testable import TerminalEmulator

/// The fast path (plain text, line ends and SGR written straight into the
/// grid) must leave the terminal exactly as libvterm alone would. Each test
/// feeds the same bytes, split the same way, to a terminal with the fast path
/// and one without, and compares everything a reader can see.
final class FastPathTests: XCTestCase {
    /// Two terminals fed in step: `fast` with the fast path, `slow` without.
    final class Pair {
        let fast: Harness
        let slow: Harness

        init(cols: Int, rows: Int, scrollbackLimit: Int = 200) {
            fast = Harness(cols: cols, rows: rows, scrollbackLimit: scrollbackLimit)
            slow = Harness(cols: cols, rows: rows, scrollbackLimit: scrollbackLimit)
            slow.terminal.fastPathEnabled = false
        }

        func feed(_ bytes: [UInt8]) {
            fast.terminal.feed(bytes)
            slow.terminal.feed(bytes)
        }

        func feed(_ text: String) { feed(Array(text.utf8)) }

        func resize(cols: Int, rows: Int) {
            fast.terminal.resize(cols: cols, rows: rows)
            slow.terminal.resize(cols: cols, rows: rows)
        }

        /// Everything visible, with the first difference named.
        func assertSame(_ context: @autoclosure () -> String, file: StaticString = #filePath, line: UInt = #line) {
            let a = fast.terminal, b = slow.terminal
            XCTAssertEqual(a.cursor, b.cursor, "cursor; \(context())", file: file, line: line)
            XCTAssertEqual(a.title, b.title, "title; \(context())", file: file, line: line)
            XCTAssertEqual(a.modes, b.modes, "modes; \(context())", file: file, line: line)
            XCTAssertEqual(fast.takeSent(), slow.takeSent(), "replies; \(context())", file: file, line: line)
            XCTAssertEqual(a.scrollbackCount, b.scrollbackCount, "scrollback count; \(context())", file: file, line: line)
            for r in 0..<a.rows where a.cells(row: r) != b.cells(row: r) {
                XCTFail("row \(r) differs: fast \"\(a.text(row: r))\" slow \"\(b.text(row: r))\"; \(context())",
                        file: file, line: line)
                return
            }
            for i in 0..<min(a.scrollbackCount, 20) where a.scrollbackLine(i) != b.scrollbackLine(i) {
                XCTFail("scrollback line \(i) differs: fast \"\(a.scrollbackText(i))\" slow \"\(b.scrollbackText(i))\"; \(context())",
                        file: file, line: line)
                return
            }
        }
    }

    func testPlainTextTakesTheFastPath() {
        let pair = Pair(cols: 20, rows: 5)
        pair.feed("hello\r\nworld\r\n")
        XCTAssertTrue(pair.fast.terminal.fast.pointee.ahead, "plain text should not have gone through libvterm")
        XCTAssertFalse(pair.slow.terminal.fast.pointee.ahead)
        pair.assertSame("plain lines")
    }

    func testScrollingPlainTextFillsScrollback() {
        let pair = Pair(cols: 10, rows: 4)
        pair.feed((1...50).map { "line \($0)\r\n" }.joined())
        pair.assertSame("50 lines")
        XCTAssertEqual(pair.fast.terminal.scrollbackText(0), "line 47")
        XCTAssertEqual(pair.fast.lines, ["line 48", "line 49", "line 50", ""])
    }

    func testPendingWrapAtTheRightEdge() {
        let pair = Pair(cols: 10, rows: 4)
        pair.feed(String(repeating: "x", count: 10))
        pair.assertSame("line filled")
        pair.feed("\(csi)6n")                               // the reply names the right edge
        pair.assertSame("cursor report at the edge")
        pair.feed("y")                                      // wraps first
        pair.assertSame("wrapped")
        pair.feed(String(repeating: "z", count: 30) + "\n\(csi)K")
        pair.assertSame("wrapped at the bottom, line feed, erase")
    }

    func testCombiningMarkJoinsTheLastFastCharacter() {
        let pair = Pair(cols: 10, rows: 3)
        pair.feed("cafe\u{301}!")
        pair.assertSame("combining acute")
        XCTAssertEqual(pair.fast.terminal.text(row: 0), "cafe\u{301}!")
    }

    func testRepeatAfterFastText() {
        let pair = Pair(cols: 12, rows: 3)
        pair.feed("ab\(csi)3bc")
        pair.assertSame("REP")
        XCTAssertEqual(pair.fast.terminal.text(row: 0), "abbbbc")
    }

    func testColoursThroughTheFastPathMatchLibvterm() {
        let pair = Pair(cols: 30, rows: 4)
        let sgrs = ["1", "2", "3", "4", "5", "7", "9", "21", "22", "23", "24", "25", "27", "29", "31", "39", "42",
                    "49", "95", "104", "38;5;200", "48;5;17", "38;2;1;2;3", "48;2;250;0;9", "0", "", ";1",
                    "1;;4", "38;5;300", "38;2;1;2", "38;7", "11", "53", "1;2;3;4;5;7;9;38;5;1;48;2;3;4;5"]
        for sgr in sgrs {
            pair.feed("\(csi)\(sgr)mX")
            pair.assertSame("SGR \(sgr)")
        }
        // Save and restore the cursor (and pen) after fast colour changes.
        pair.feed("\(csi)0;1;38;5;9m\(esc)7\(csi)0mplain\(esc)8again\(csi)1$q")
        pair.assertSame("DECSC/DECRC after fast SGR")
        pair.feed("\(esc)P$qm\(esc)\\")
        pair.assertSame("DECRQSS SGR after fast SGR")
    }

    func testModesThatCloseTheFastPath() {
        let cases = ["\(csi)4h", "\(csi)20h", "\(esc)(0", "\u{0E}", "\(esc))0\u{0E}", "\(esc)N", "\(csi)1\"q",
                     "\(esc)#6", "\(csi)?7l", "\(csi)?6h", "\(csi)2;3r", "\(csi)?69h\(csi)3;6s"]
        for setup in cases {
            let pair = Pair(cols: 12, rows: 5)
            pair.feed("ab\r\n" + setup + "qrs\r\nline\r\nmore text here\n\n\nend")
            pair.assertSame("after \(printable(Array(setup.utf8)))")
            pair.feed("\(csi)!p" + "after reset\r\n\n\n\n")     // DECSTR puts the modes back
            pair.assertSame("soft reset after \(printable(Array(setup.utf8)))")
        }
    }

    func testTabsAndBackspacesMatchLibvterm() {
        let pair = Pair(cols: 21, rows: 4)
        pair.feed("a\tb\tc\t\t\td\te\r\n\tx\u{8}\u{8}y\u{8}\u{8}\u{8}\u{8}\u{8}\u{8}\u{8}\u{8}\u{8}\u{8}z")
        pair.assertSame("default tab stops")
        XCTAssertTrue(pair.fast.terminal.fast.pointee.ahead, "tabs and backspaces should not have gone through libvterm")
        pair.feed(String(repeating: "w", count: 21) + "\tq\u{8}r")      // at the right edge
        pair.assertSame("tab and backspace while waiting to wrap")
        pair.feed("\r\n\(csi)3g\(csi)1;6H\(esc)H\r\tT\t!")       // custom stops: libvterm's job
        pair.assertSame("custom tab stops")
    }

    func testRandomStreamsMatchLibvterm() {
        for seed in 1...12 as ClosedRange<UInt64> {
            var rng = SeededGenerator(seed: seed)
            let pair = Pair(cols: 6 + Int(rng.next() % 20), rows: 2 + Int(rng.next() % 8))
            var log: [String] = []
            for step in 0..<400 {
                if rng.next() % 60 == 0 {
                    let cols = 2 + Int(rng.next() % 24), rows = 1 + Int(rng.next() % 10)
                    pair.resize(cols: cols, rows: rows)
                    log.append("resize \(cols)x\(rows)")
                }
                var chunk: [UInt8] = []
                for _ in 0..<(1 + rng.next() % 6) { chunk += FastPathTests.token(&rng) }
                // Split at a random point: sequences must survive it.
                let cut = Int(rng.next() % UInt64(chunk.count + 1))
                pair.feed(Array(chunk[..<cut]))
                pair.feed(Array(chunk[cut...]))
                log.append(String(reflecting: String(decoding: chunk, as: UTF8.self)))
                pair.assertSame("seed \(seed) step \(step): \(log.suffix(4).joined(separator: " | "))")
                if testRun?.failureCount ?? 0 > 0 { return }
            }
        }
    }

    func testRandomBytesMatchLibvterm() {
        // Bytes from an alphabet rich in sequence syntax, to reach parser corners.
        let alphabet = Array("\u{1B}\u{1B}\u{1B}[[[;;;0123456789mmmmHJKhlr?!\"q(0B#6\r\n\r\n\u{0E}\u{0F}abc xyz".utf8)
            + [0xC3, 0xA9, 0xCC, 0x81, 0x07, 0x08, 0x09, 0x18]
        for seed in 1...20 as ClosedRange<UInt64> {
            var rng = SeededGenerator(seed: seed &+ 1_000)
            let pair = Pair(cols: 3 + Int(rng.next() % 12), rows: 1 + Int(rng.next() % 6))
            for step in 0..<300 {
                let chunk = (0..<(1 + rng.next() % 24)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
                pair.feed(chunk)
                pair.assertSame("seed \(seed) step \(step): \(String(reflecting: String(decoding: chunk, as: UTF8.self)))")
                if testRun?.failureCount ?? 0 > 0 { return }
            }
        }
    }

    /// One piece of a program's output, weighted toward what the fast path takes.
    static func token(_ rng: inout SeededGenerator) -> [UInt8] {
        let words = ["a", "hello", "x y z", "0123456789", "~!@#$%^&*()_+`-=[]{}|;':\",./<>?", "  "]
        let others = [
            "\r", "\n", "\r\n", "\t", "\u{8}", "\u{7}", "é", "漢字", "e\u{301}", "\u{301}", "\(csi)K", "\(csi)2J",
            "\(csi)H", "\(csi)3;4H", "\(csi)A", "\(csi)5C", "\(csi)2b", "\(csi)L", "\(csi)2M", "\(csi)P", "\(csi)3@",
            "\(csi)S", "\(csi)T", "\(esc)M", "\(esc)D", "\(esc)E", "\(csi)6n", "\(csi)c", "\(esc)7", "\(esc)8",
            "\(csi)s", "\(csi)u", "\(csi)2;4r", "\(csi)r", "\(csi)?6h", "\(csi)?6l", "\(csi)?7l", "\(csi)?7h",
            "\(csi)?1049h", "\(csi)?1049l", "\(csi)?47h", "\(csi)?47l", "\(csi)4h", "\(csi)4l", "\(csi)20h",
            "\(csi)20l", "\(esc)(0", "\(esc)(B", "\(esc))0", "\u{0E}", "\u{0F}", "\(esc)N", "\(csi)1\"q",
            "\(csi)0\"q", "\(esc)#6", "\(esc)#5", "\(esc)#8", "\(csi)?69h\(csi)2;5s", "\(csi)?69l", "\(esc)c",
            "\(csi)!p", "\(esc)]2;title\u{7}", "\(esc)P$qm\(esc)\\", "\(esc)P$qr\(esc)\\", "\(csi)3J", "\(csi)?25l",
            "\(csi)?25h", "\(csi)X", "\(csi)5X", "\(csi)1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18m",
            "\(csi)?1h", "\(csi)g", "\(csi)3g", "\(esc)H", "\u{18}", "\(csi)", "\(esc)", "\u{C3}", "\t\t\t",
            "ab\u{8}\u{8}\u{8}c",
        ]
        let sgrs = ["0", "1", "2", "4", "7", "22", "31", "38;5;100", "48;2;1;2;3", "", "39;49", "11", "38;5"]
        switch rng.next() % 10 {
        case 0...3: return Array(words[Int(rng.next() % UInt64(words.count))].utf8)
        case 4: return Array("\r\n".utf8)
        case 5, 6: return Array("\(csi)\(sgrs[Int(rng.next() % UInt64(sgrs.count))])m".utf8)
        case 7: return Array(String(repeating: "w", count: Int(rng.next() % 40)).utf8)
        default: return Array(others[Int(rng.next() % UInt64(others.count))].utf8)
        }
    }
}
