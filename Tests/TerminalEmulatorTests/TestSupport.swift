import XCTest
@testable import TerminalEmulator

/// ESC, for building sequences readably: "\(esc)[2J".
let esc = "\u{1B}"
let csi = "\u{1B}["

/// A terminal with everything it sends collected, as libvterm's own test
/// harness does with its output buffer.
final class Harness {
    let terminal: Terminal
    private(set) var sent: [UInt8] = []

    init(cols: Int = 20, rows: Int = 5, scrollbackLimit: Int = 10_000) {
        terminal = Terminal(cols: cols, rows: rows, scrollbackLimit: scrollbackLimit)
        terminal.send = { [unowned self] bytes in self.sent += bytes }
    }

    /// Returns and clears what the terminal sent.
    func takeSent() -> [UInt8] {
        defer { sent.removeAll() }
        return sent
    }

    func takeSentString() -> String {
        String(decoding: takeSent(), as: UTF8.self)
    }

    func feed(_ text: String) { terminal.feed(text) }

    /// The screen's rows as text.
    var lines: [String] { (0..<terminal.rows).map { terminal.text(row: $0) } }

    var cursor: (row: Int, col: Int) { (terminal.cursor.row, terminal.cursor.col) }

    func cell(_ row: Int, _ col: Int) -> TerminalCell { terminal.cell(row: row, col: col) }
}

func XCTAssertCursor(_ h: Harness, _ row: Int, _ col: Int, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(h.terminal.cursor.row, row, "cursor row", file: file, line: line)
    XCTAssertEqual(h.terminal.cursor.col, col, "cursor col", file: file, line: line)
}

/// Byte form of a string with ESC spelled out, for readable failure messages.
func printable(_ bytes: [UInt8]) -> String {
    String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\u{1B}", with: "␛")
}
