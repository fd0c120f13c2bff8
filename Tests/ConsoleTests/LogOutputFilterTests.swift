@testable import Console
import TerminalEmulator
import XCTest

/// What of a log reaches a log pane's emulator: text, colours and line ends;
/// nothing that moves, clears, retitles, switches screens or writes the clipboard.
final class LogOutputFilterTests: XCTestCase {
    private func filtered(_ chunks: [String]) -> String {
        var filter = LogOutputFilter()
        return String(decoding: chunks.flatMap { filter.filter(Array($0.utf8)) }, as: UTF8.self)
    }

    private func filtered(_ text: String) -> String { filtered([text]) }

    func testLineFeedsStartLinesAtColumnZero() {
        XCTAssertEqual(filtered("one\ntwo\r\nthree\n"), "one\r\ntwo\r\r\nthree\r\n")
        XCTAssertEqual(filtered("tab\there"), "tab\there")
    }

    func testColoursStayAndEverythingElseGoes() {
        let red = "\u{1B}[31mred\u{1B}[0m \u{1B}[38;2;1;2;3mrgb\u{1B}[38:5:9mx\u{1B}[m"
        XCTAssertEqual(filtered(red), red)
        let hostile = [
            "\u{1B}[2J", "\u{1B}[H", "\u{1B}[10;1H", "\u{1B}[?1049h", "\u{1B}[?1000h", "\u{1B}[?2004h", "\u{1B}[6n",
            "\u{1B}[c", "\u{1B}[>4;2m", "\u{1B}[1A", "\u{1B}[K", "\u{1B}c", "\u{1B}7", "\u{1B}8", "\u{1B}M", "\u{1B}(0", "\u{1B}#8",
            "\u{1B}]0;owned\u{07}", "\u{1B}]2;owned\u{1B}\\", "\u{1B}]52;c;Y2xpcGJvYXJk\u{07}", "\u{1B}]52;c;?\u{07}",
            "\u{1B}P$qm\u{1B}\\", "\u{1B}_apc\u{1B}\\", "\u{1B}^pm\u{1B}\\", "\u{1B}Xsos\u{1B}\\",
            "\u{07}", "\u{08}", "\u{0E}", "\u{0F}", "\u{7F}", "\u{9B}2J", "\u{9D}0;t\u{9C}",
        ]
        for sequence in hostile {
            let out = filtered("a" + sequence + "b")
            XCTAssertFalse(out.unicodeScalars.contains { $0.value == 0x1B || (0x80...0x9F).contains($0.value) || $0.value < 0x09 },
                           "\(sequence.debugDescription) let a control through: \(out.debugDescription)")
            XCTAssertTrue(out.hasPrefix("a") && out.hasSuffix("b"), "\(sequence.debugDescription) -> \(out.debugDescription)")
        }
        XCTAssertEqual(filtered("a\u{9B}2Jb"), "a2Jb", "a C1 CSI is dropped, its parameters are text")
        XCTAssertEqual(filtered("café ©"), "café ©", "0xC2 starts ordinary characters too")
    }

    func testSequencesSplitAcrossChunksAreStillRecognised() {
        XCTAssertEqual(filtered(["x\u{1B}", "[3", "1mred\u{1B}[", "2Jy"]), "x\u{1B}[31mredy")
        XCTAssertEqual(filtered(["a\u{1B}]52;c;QUJD", "REVG\u{07}b"]), "ab")
        XCTAssertEqual(filtered(["a\u{1B}]0;t\u{1B}", "\\b"]), "ab")
        var filter = LogOutputFilter()
        let lead = filter.filter([0x61, 0xC2])
        let rest = filter.filter([0x9B, 0x32, 0x4A, 0xC2, 0xA9])
        XCTAssertEqual(lead + rest, [0x61, 0x32, 0x4A, 0xC2, 0xA9], "a C1 split after its lead byte is dropped; © is kept")
    }

    /// A log arrives in chunks cut anywhere: cut at every byte boundary (and a
    /// byte at a time), a hostile log filters exactly as it does whole.
    func testEveryCutOfAHostileLogFiltersAsTheWholeDoes() {
        let hostile: [UInt8] = Array("a\u{1B}[38;2;1;2;3mRGB\u{1B}[0m\u{1B}]52;c;aGk=\u{07}\u{1B}]0;t\u{1B}\\\u{1B}[?1049h\u{1B}(0q\u{1B}Pq#0\u{1B}\\".utf8)
            + [0xC2, 0x9B, 0x32, 0x4A, 0xFF, 0xFE, 0x00, 0x0D, 0x0A, 0xC3, 0x28, 0x1B, 0x1B, 0x5B, 0x31, 0x6D, 0xC2, 0xA9, 0x0A]
        var whole = LogOutputFilter()
        let expected = whole.filter(hostile)
        for cut in 0...hostile.count {
            var filter = LogOutputFilter()
            XCTAssertEqual(filter.filter(Array(hostile[..<cut])) + filter.filter(Array(hostile[cut...])), expected, "cut at byte \(cut)")
        }
        var filter = LogOutputFilter()
        XCTAssertEqual(hostile.flatMap { filter.filter([$0]) }, expected, "a byte at a time")
        // Invalid UTF-8 and text pass; NUL, ESC sequences other than colour and C1 controls do not.
        XCTAssertFalse(expected.contains(0x00))
        XCTAssertTrue(expected.starts(with: Array("a\u{1B}[38;2;1;2;3mRGB\u{1B}[0m".utf8)))
        XCTAssertTrue(expected.contains(0xFF))
    }

    func testAnUnterminatedStringHidesOneLineOnly() {
        XCTAssertEqual(filtered("before\n\u{1B}]0;no end here\nafter\n"), "before\r\n\r\nafter\r\n")
    }

    func testLongOrOddColourSequencesAreDropped() {
        let many = "\u{1B}[" + Array(repeating: "1", count: 20).joined(separator: ";") + "m"
        XCTAssertEqual(filtered("a" + many + "b"), "ab")
        let long = "\u{1B}[" + String(repeating: "0", count: 200) + "m"
        XCTAssertEqual(filtered("a" + long + "b"), "ab")
    }

    /// Through a real emulator: a hostile log leaves the pane's modes, title and
    /// screen as plain text would, and asks the clipboard for nothing.
    func testAHostileLogCannotDriveTheEmulator() {
        let terminal = Terminal(cols: 40, rows: 6, scrollbackLimit: 100)
        var replies: [UInt8] = []
        var clipboard = 0
        terminal.send = { replies += $0 }
        terminal.onClipboard = { _ in clipboard += 1 }
        var filter = LogOutputFilter()
        let log = "line one\n\u{1B}[?1049h\u{1B}[?1000h\u{1B}]0;pwned\u{07}\u{1B}]52;c;cm0gLXJmIC8K\u{07}\u{1B}[6n\u{1B}[c"
            + "\u{1B}[2J\u{1B}[Hline two\n"
        terminal.feed(filter.filter(Array(log.utf8)))
        XCTAssertFalse(terminal.modes.alternateScreen)
        XCTAssertFalse(terminal.modes.mouseReporting.isOn)
        XCTAssertEqual(terminal.title, "")
        XCTAssertEqual(clipboard, 0)
        XCTAssertTrue(replies.isEmpty, "the emulator answered a query: \(replies)")
        XCTAssertEqual(terminal.cursor.col, 0)
        XCTAssertEqual(terminal.cursor.row, 2)
    }
}
