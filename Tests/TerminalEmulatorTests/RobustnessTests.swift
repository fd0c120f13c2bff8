import TestSupport
import XCTest
import Foundation
@testable import TerminalEmulator

/// Truncated, malformed and random input: the state must stay consistent.
final class RobustnessTests: XCTestCase {
    func testSequenceSplitAtEveryByte() {
        let input = "\(csi)1;31mR\(csi)0m \(esc)]2;t\u{7}\(csi)2;3H中\(csi)38;2;1;2;3mX"
        let whole = Harness(cols: 10, rows: 3)
        whole.feed(input)
        let bytes = Array(input.utf8)
        for split in 1..<bytes.count {
            let h = Harness(cols: 10, rows: 3)
            h.terminal.feed(Array(bytes[..<split]))
            h.terminal.feed(Array(bytes[split...]))
            XCTAssertEqual(h.lines, whole.lines, "split at \(split)")
            XCTAssertEqual(h.cell(0, 0), whole.cell(0, 0), "split at \(split)")
            XCTAssertEqual(h.cell(1, 4), whole.cell(1, 4), "split at \(split)")
            XCTAssertEqual(h.terminal.title, "t", "split at \(split)")
        }
        XCTAssertEqual(whole.cell(0, 0).foreground, .indexed(1))
        XCTAssertEqual(whole.cell(1, 4).foreground, .rgb(1, 2, 3))
    }

    func testMalformedSequences() {
        let h = Harness(cols: 20, rows: 3)
        h.feed("\(csi)3\(csi)32mA")                 // ESC restarts a CSI
        XCTAssertEqual(h.cell(0, 0).foreground, .indexed(2))
        h.feed("\(csi)0m\(csi)31\u{18}mB")          // CAN cancels it: "mB" prints
        XCTAssertEqual(h.lines[0], "AmB")
        XCTAssertEqual(h.cell(0, 2).foreground, .default)
        h.feed("\(csi)99999999999999999999999C")    // absurd count: clipped
        XCTAssertCursor(h, 0, 19)
        // More than 16 parameters crash libvterm 0.1's parser; the extra
        // ones are dropped (xterm ignores them too).
        h.feed("\r\(csi)" + Array(repeating: "1", count: 300).joined(separator: ";") + "mC")
        XCTAssertEqual(h.cell(0, 0).text, "C")
        XCTAssertEqual(h.cell(0, 0).attributes, [.bold])
        h.feed("\(csi)0m\r\(csi)" + Array(repeating: "0", count: 15).joined(separator: ";") + ";4;1;3mD")
        XCTAssertEqual(h.cell(0, 0).attributes, [.underline], "only the first 16 parameters count")
        h.feed("\(csi)0m\r\(csi)" + Array(repeating: ":", count: 40).joined() + "mE")
        XCTAssertEqual(h.cell(0, 0).text, "E")
        var split = Harness(cols: 20, rows: 3)
        for piece in ["\(csi)1", Array(repeating: ";1", count: 30).joined(), "\n;1;1", "m", "F"] { split.feed(piece) }
        XCTAssertEqual(split.cell(1, 0).text, "F", "LF inside the CSI still runs")
        XCTAssertEqual(split.cell(1, 0).attributes, [.bold])
        split = Harness(cols: 20, rows: 3)
        split.feed("\(csi)" + Array(repeating: "2", count: 20).joined(separator: ";") + "\(csi)4mG")
        XCTAssertEqual(split.cell(0, 0).attributes, [.underline], "ESC ends the over-long CSI")
    }

    func testInvalidUTF8ShowsReplacementCharacter() {
        let h = Harness(cols: 10, rows: 2)
        h.terminal.feed([0x61, 0xFF, 0x62, 0xC3, 0x63])   // a, bad, b, truncated é, c
        XCTAssertEqual(h.cell(0, 0).text, "a")
        XCTAssertEqual(h.cell(0, 1).text, "\u{FFFD}")
        XCTAssertEqual(h.cell(0, 2).text, "b")
        XCTAssertEqual(h.lines[0].last, "c")
    }

    func testC1BytesAreNotControlsInUTF8() {
        let h = Harness(cols: 10, rows: 2)
        h.terminal.feed([0x9B, 0x33, 0x31, 0x6D, 0x78])   // 8-bit CSI would colour x
        XCTAssertEqual(h.cell(0, 4).text, "x")
        XCTAssertEqual(h.cell(0, 4).foreground, .default)
    }

    func testHugeUnterminatedOSCStaysBounded() {
        let h = Harness(cols: 10, rows: 2)
        h.feed("\(esc)]2;" + String(repeating: "t", count: 1 << 20))
        h.feed("\u{7}after")
        XCTAssertLessThanOrEqual(h.terminal.title.utf8.count, ControlSequenceScanner.oscLimit)
        XCTAssertEqual(h.lines[0], "after")
    }

    func testStringSequencesDoNotPrint() {
        let h = Harness(cols: 20, rows: 2)
        h.feed("a\(esc)Pq#0;2;0;0;0~-\(esc)\\b\(esc)_Gi=1;[31m\(esc)\\c\(esc)^pm\u{7}d\(esc)Xsos\(esc)\\e")
        XCTAssertEqual(h.lines[0], "abcde")
        XCTAssertEqual(h.cell(0, 2).foreground, .default, "SGR-looking text inside APC is ignored")
    }

    func testHiddenStringSplitAcrossFeeds() {
        let h = Harness(cols: 20, rows: 2)
        h.feed("a\(esc)")
        h.feed("_Ga=q,")
        h.feed("i=31;AAAA\(esc)")
        h.feed("\\b")
        XCTAssertEqual(h.lines[0], "ab")
    }

    func testHiddenStringCutShortByAnEscape() {
        let h = Harness(cols: 20, rows: 2)
        h.feed("a\(esc)_junk\(esc)")
        h.feed("[31mb")                         // ESC [ ends the string and is a CSI
        XCTAssertEqual(h.lines[0], "ab")
        XCTAssertEqual(h.cell(0, 1).foreground, .indexed(1))
        h.feed("\(esc)_more\(esc)8c")            // ESC 8 after a hidden string
        XCTAssertEqual(h.lines[0], "cb")
    }

    /// A full-screen program saves the cursor (1049h), the pane shrinks, the
    /// program leaves (1049l): libvterm 0.1 restores the old, now off-screen
    /// position unless we clamp it.
    func testCursorSavedBeforeShrinkIsClampedOnRestore() {
        let h = Harness(cols: 40, rows: 20)
        h.feed("\(csi)18;35Hprompt")
        h.feed("\(csi)?1049h\(csi)Hfull screen")
        h.terminal.resize(cols: 10, rows: 5)
        h.feed("\(csi)?1049l")
        XCTAssertCursor(h, 4, 9)                   // (17, 34) clamped to the 10x5 screen
        h.feed("\(csi)1Jx")                        // erase above: touches every row up to the cursor
        XCTAssertEqual(h.cell(4, 9).text, "x")
        h.feed("\(csi)20;40H\(esc)7")              // DECSC at the bottom right
        h.terminal.resize(cols: 8, rows: 3)
        h.feed("\(esc)8y")
        XCTAssertEqual(h.cell(2, 7).text, "y")
    }

    /// A program sets a scroll region low on a tall pane, the pane shrinks:
    /// libvterm 0.1 clamps only the bottom margin, leaving top > bottom, and
    /// the next scroll memmoves a negative length. Margins reset on resize.
    func testScrollRegionBelowTheNewHeightIsReset() {
        let h = Harness(cols: 40, rows: 12)
        h.feed("\(csi)9;12r\(csi)?69h\(csi)30;40s\(csi)12;35H")
        h.terminal.resize(cols: 20, rows: 5)
        XCTAssertCursor(h, 4, 19)
        h.feed("a\r\nb\r\nc\(esc)M\(csi)L\(csi)M\(csi)S\(csi)T\(csi)@\(csi)P")
        h.feed("\(csi)5;1Hend\r\n")
        XCTAssertEqual(h.lines[3], "end", "the whole screen scrolls: no region is left")
    }

    /// libvterm 0.1 keeps a text run's code points in a stack array as long
    /// as the write; the terminal hands it bounded pieces, so a large feed
    /// runs on a small stack.
    func testLargeFeedOnASmallStack() {
        final class Result: @unchecked Sendable { var lastFullRow = "" }   // written before `done` is fulfilled
        let text = Array(String(repeating: "x", count: 8 << 20).utf8)   // would need 32 MiB of stack
        let done = expectation(description: "fed")
        let result = Result()
        let thread = Thread {
            let t = Terminal(cols: 80, rows: 24)
            t.feed(text)
            result.lastFullRow = t.text(row: 22)
            done.fulfill()
        }
        thread.stackSize = 512 << 10
        thread.start()
        wait(for: [done], timeout: 60)
        XCTAssertEqual(result.lastFullRow, String(repeating: "x", count: 80))
    }

    /// libvterm 0.1 reads ESC ( [ as the start of a CSI; the scanner must
    /// agree, or a REP or a DCS behind it would slip past the guards.
    func testSequenceIntroducerAfterEscapeIntermediate() {
        let h = Harness(cols: 10, rows: 2)
        h.feed("\(esc)([5b\(esc))P$qx\(esc)\\ok")   // would hang / crash libvterm 0.1
        XCTAssertEqual(h.terminal.cursor.row, 0)
        XCTAssertTrue(h.lines[0].hasSuffix("ok"), h.lines[0])
    }

    /// A resize can land in the middle of a sequence (pty reads split
    /// anywhere): the program's sequence must survive the margin reset.
    func testResizeInsideASequence() {
        let h = Harness(cols: 40, rows: 12)
        h.feed("\(csi)9;12r\(csi)3")
        h.terminal.resize(cols: 20, rows: 5)
        h.feed("1mred\(esc)]2;ti")
        XCTAssertEqual(h.cell(0, 0).foreground, .indexed(1), "ESC [ 3 | 1 m is still SGR 31")
        h.terminal.resize(cols: 30, rows: 4)
        h.feed("tle\u{7}\r\n\n\n\nend")
        XCTAssertEqual(h.terminal.title, "title")
        XCTAssertEqual(h.lines.last, "end", "margins were reset: the whole screen scrolls")
    }

    /// xterm's RIS leaves the alternate screen and ends reverse video and
    /// mouse reporting; libvterm's reset does not, or not visibly.
    func testFullResetFromTheAlternateScreen() {
        let h = Harness(cols: 10, rows: 3)
        h.feed("primary\(csi)?1049h\(csi)?5h\(csi)?1002halt")
        h.feed("\(esc)c")
        XCTAssertFalse(h.terminal.modes.alternateScreen)
        XCTAssertFalse(h.terminal.modes.reverseVideo)
        XCTAssertEqual(h.terminal.modes.mouseReporting, .off)
        XCTAssertEqual(h.lines, ["", "", ""], "RIS clears the screen")
        h.feed("x")
        XCTAssertEqual(h.cell(0, 0).attributes, [])
    }

    func testBinaryGarbageWithC1Controls() {
        let h = Harness(cols: 40, rows: 4)
        // Seen while fuzzing: a phantom-column cursor, then C2 98 (U+0098, SOS)
        // or a broken sequence whose stray continuation byte libvterm 0.1
        // decodes into a C1 control: its width -1 put the cursor at column -1.
        h.terminal.feed(Array(String(repeating: "x", count: 39).utf8) + [0x7E, 0x85, 0xC2, 0x98])
        h.terminal.feed([0x0D, 0x0A] + Array(String(repeating: "y", count: 38).utf8) + [0xC2, 0x77, 0x05, 0x37, 0x8D])
        XCTAssert((0..<40).contains(h.terminal.cursor.col), "cursor col \(h.terminal.cursor.col)")
        h.feed("\r\nok")
        XCTAssertEqual(h.terminal.cursor.col, 2)
        XCTAssertEqual(h.terminal.text(row: h.terminal.cursor.row), "ok")
    }

    // MARK: Random input

    /// Bytes biased towards escape sequences, so parser paths get exercised.
    private static let alphabet: [UInt8] = Array("\u{1B}\u{1B}\u{1B}[[[]];;;:0123456789?>=!\" $'#mHJKABCDEFGPLM@XZrshlStTqncdgu\u{7}\u{8}\u{9}\u{A}\u{D}\u{E}\u{F}\u{18}\\()0Bab中é\u{301}".utf8)

    func testRandomBytesKeepStateConsistent() {
        // PORTHOLE_FUZZ_SEED replays or explores other inputs.
        let seed = ProcessInfo.processInfo.environment["PORTHOLE_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5EED
        var rng = SeededGenerator(seed: seed)
        let h = Harness(cols: 40, rows: 12, scrollbackLimit: 200)
        var fed = 0
        let total = 3 << 20     // 3 MiB
        var chunk = [UInt8]()
        while fed < total {
            let size = Int.random(in: 1...4096, using: &rng)
            let biased = Bool.random(using: &rng)
            chunk.removeAll(keepingCapacity: true)
            for _ in 0..<size {
                chunk.append(biased ? Self.alphabet.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng))
            }
            h.terminal.feed(chunk)
            fed += size
            if Int.random(in: 0..<40, using: &rng) == 0 {
                h.terminal.resize(cols: Int.random(in: 1...60, using: &rng), rows: Int.random(in: 1...20, using: &rng))
            }
            assertConsistent(h.terminal)
        }
        _ = h.takeSent()

        // After a cancel and a full reset the terminal behaves as new.
        h.terminal.resize(cols: 20, rows: 4)
        h.feed("\u{18}\(esc)c\(csi)?25h")
        h.feed("hello")
        XCTAssertEqual(h.lines, ["hello", "", "", ""])
        XCTAssertCursor(h, 0, 5)
        XCTAssertEqual(h.cell(0, 0).foreground, .default)
        XCTAssertEqual(h.cell(0, 0).attributes, [])
        XCTAssertFalse(h.terminal.modes.alternateScreen)
        h.feed("\(csi)6n")
        XCTAssertEqual(h.takeSentString(), "\(csi)1;6R")
    }

    private func assertConsistent(_ t: Terminal, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssert((0..<t.rows).contains(t.cursor.row) && (0..<t.cols).contains(t.cursor.col),
                  "cursor \(t.cursor) outside \(t.cols)x\(t.rows)", file: file, line: line)
        XCTAssertLessThanOrEqual(t.scrollbackCount, t.scrollbackLimit, file: file, line: line)
        for r in 0..<t.rows {
            let cells = t.cells(row: r)
            XCTAssertEqual(cells.count, t.cols, file: file, line: line)
            for (c, cell) in cells.enumerated() {
                switch cell.width {
                case 0:
                    if !(c > 0 && cells[c - 1].width == 2) {
                        XCTFail("orphan continuation at \(r),\(c)", file: file, line: line); return
                    }
                case 2:
                    if !(c + 1 < cells.count && cells[c + 1].width == 0) {
                        XCTFail("wide cell without its right half at \(r),\(c)", file: file, line: line); return
                    }
                case 1:
                    if cell.text.isEmpty { XCTFail("empty narrow cell at \(r),\(c)", file: file, line: line); return }
                default:
                    XCTFail("width \(cell.width) at \(r),\(c)", file: file, line: line); return
                }
            }
        }
        // Row extents are upper bounds: nothing but blanks past them.
        for r in 0..<t.rows {
            let stored = t.grid.row(r)
            for c in t.grid.extent(ofRow: r)..<t.cols where !stored[c].isPlainBlank {
                XCTFail("row \(r) has content at \(c), past its extent \(t.grid.extent(ofRow: r))", file: file, line: line)
                return
            }
        }
        let damage = t.takeDamage()
        XCTAssertEqual(damage, damage.sorted(), file: file, line: line)
        XCTAssert(damage.allSatisfy { (0..<t.rows).contains($0) }, file: file, line: line)
        if t.scrollbackCount > 0 { _ = t.scrollbackLine(t.scrollbackCount - 1) }
    }
}
