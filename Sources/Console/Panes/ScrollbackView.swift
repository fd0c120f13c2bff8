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

    /// The line selecting started on and the line it reaches now (either order), while selecting.
    var selection: (anchor: Int, cursor: Int)?

    static func == (a: ScrollbackView, b: ScrollbackView) -> Bool {
        a.offset == b.offset && a.searchTerm == b.searchTerm && a.match?.line == b.match?.line && a.match?.column == b.match?.column
            && a.selection?.anchor == b.selection?.anchor && a.selection?.cursor == b.selection?.cursor
    }

    /// The selected lines, oldest first.
    var selectedLines: ClosedRange<Int>? {
        guard let selection else { return nil }
        return min(selection.anchor, selection.cursor)...max(selection.anchor, selection.cursor)
    }

    /// Starts selecting at the current match, else at the lowest line in view
    /// with text on it (tmux's copy mode starts at its cursor).
    mutating func startSelection(_ terminal: Terminal) {
        let count = Self.lineCount(terminal)
        var line = min(count - 1, topLine(terminal) + terminal.rows - 1)
        if let match {
            line = match.line
        } else {
            while line > topLine(terminal), Self.text(terminal, line: line).allSatisfy(\.isWhitespace) { line -= 1 }
        }
        selection = (line, line)
    }

    /// Moves the selecting end by `lines` (negative: older) and keeps it in view.
    mutating func extendSelection(by lines: Int, _ terminal: Terminal) {
        guard let current = selection else { return }
        let cursor = max(0, min(Self.lineCount(terminal) - 1, current.cursor + lines))
        selection = (current.anchor, cursor)
        let top = topLine(terminal)
        if cursor < top {
            scroll(by: top - cursor, terminal)
        } else if cursor >= top + terminal.rows {
            scroll(by: -(cursor - top - terminal.rows + 1), terminal)
        }
    }

    /// The text of lines `range`, one line each, trailing blanks dropped.
    static func text(_ terminal: Terminal, lines range: ClosedRange<Int>) -> String {
        let count = lineCount(terminal)
        return range.clamped(to: 0...max(0, count - 1)).map { line in
            var text = Self.text(terminal, line: line)
            while text.last == " " { text.removeLast() }
            return text
        }.joined(separator: "\n")
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
