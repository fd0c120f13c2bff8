import Foundation
import TerminalEmulator

/// The `[` view of a pane: its scrollback and screen as one list of lines, read
/// from a position above the live bottom, with search. Lines are numbered from
/// the oldest scrollback line (0) to the last screen row.
struct ScrollbackView: Equatable {
    /// Lines between the bottom of the view and the live bottom (0 = live).
    var offset = 0
    var searchTerm: String?
    /// The line and column of the current match.
    var match: (line: Int, column: Int)?

    static func == (a: ScrollbackView, b: ScrollbackView) -> Bool {
        a.offset == b.offset && a.searchTerm == b.searchTerm && a.match?.line == b.match?.line && a.match?.column == b.match?.column
    }

    static func lineCount(_ terminal: Terminal) -> Int { terminal.scrollbackCount + terminal.rows }

    static func cells(_ terminal: Terminal, line: Int) -> [TerminalCell] {
        let scrollback = terminal.scrollbackCount
        if line < scrollback { return terminal.scrollbackLine(scrollback - 1 - line) }
        return terminal.cells(row: line - scrollback)
    }

    static func text(_ terminal: Terminal, line: Int) -> String {
        let scrollback = terminal.scrollbackCount
        if line < scrollback { return terminal.scrollbackText(scrollback - 1 - line) }
        return terminal.text(row: line - scrollback)
    }

    /// The first line shown.
    func topLine(_ terminal: Terminal) -> Int {
        max(0, Self.lineCount(terminal) - terminal.rows - offset)
    }

    mutating func scroll(by lines: Int, _ terminal: Terminal) {
        offset = max(0, min(terminal.scrollbackCount, offset + lines))
    }

    mutating func scrollToOldest(_ terminal: Terminal) { offset = terminal.scrollbackCount }
    mutating func scrollToNewest() { offset = 0 }

    /// Finds `term` (case-insensitive) searching older (`older: true`) or newer
    /// from the current match or view; moves the view to it. False when not found.
    mutating func search(_ term: String, older: Bool, _ terminal: Terminal) -> Bool {
        guard !term.isEmpty else { return false }
        searchTerm = term
        let needle = term.lowercased()
        let count = Self.lineCount(terminal)
        let start: Int
        if let match {
            start = older ? match.line - 1 : match.line + 1
        } else {
            start = older ? min(count - 1, topLine(terminal) + terminal.rows - 1) : topLine(terminal)
        }
        var line = start
        while line >= 0 && line < count {
            let text = Self.text(terminal, line: line).lowercased()
            if let range = text.range(of: needle) {
                let column = Screen.width(of: String(text[..<range.lowerBound]))
                match = (line, column)
                // Bring the match into view, a third of the way down.
                let top = max(0, line - terminal.rows / 3)
                offset = max(0, min(terminal.scrollbackCount, count - terminal.rows - top))
                return true
            }
            line += older ? -1 : 1
        }
        return false
    }
}
