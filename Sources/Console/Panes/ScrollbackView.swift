import Foundation
import TerminalEmulator

/// The `[` view of a pane: its scrollback and screen as one list of lines, read
/// from a position above the live bottom, with search. Lines are numbered as
/// the emulator numbers them (`Terminal.linesScrolledOff`): a line keeps its
/// number while output arrives and old lines drop out of a full scrollback,
/// so the view, the selection and the match stay on their text.
struct ScrollbackView: Equatable {
    /// The first line shown; nil shows the live screen (a view not yet anchored).
    var top: Int?
    var searchTerm: String?
    /// The line and column of the current match.
    var match: (line: Int, column: Int)?

    /// The line selecting started on and the line it reaches now (either order), while selecting.
    var selection: (anchor: Int, cursor: Int)?

    init() {}

    /// A view of `terminal` on its live screen that stays on those lines as output arrives.
    init(_ terminal: Terminal) {
        top = terminal.linesScrolledOff
    }

    static func == (a: ScrollbackView, b: ScrollbackView) -> Bool {
        a.top == b.top && a.searchTerm == b.searchTerm && a.match?.line == b.match?.line && a.match?.column == b.match?.column
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
        let top = topLine(terminal)
        var line = min(Self.lines(terminal).upperBound - 1, top + terminal.rows - 1)
        if let match, Self.lines(terminal).contains(match.line) {
            line = match.line
        } else {
            while line > top, Self.text(terminal, line: line).allSatisfy(\.isWhitespace) { line -= 1 }
        }
        selection = (line, line)
    }

    /// Moves the selecting end by `lines` (negative: older) and keeps it in view.
    mutating func extendSelection(by lines: Int, _ terminal: Terminal) {
        guard let current = selection else { return }
        let held = Self.lines(terminal)
        let cursor = max(held.lowerBound, min(held.upperBound - 1, current.cursor + lines))
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
        let held = lines(terminal)
        guard range.overlaps(held) else { return "" }
        return range.clamped(to: held.lowerBound...(held.upperBound - 1)).map { line in
            var text = Self.text(terminal, line: line)
            while text.last == " " { text.removeLast() }
            return text
        }.joined(separator: "\n")
    }

    /// The numbers of the lines held: the oldest scrollback line kept to the last screen row.
    static func lines(_ terminal: Terminal) -> Range<Int> {
        let scrolledOff = terminal.linesScrolledOff
        return (scrolledOff - terminal.scrollbackCount)..<(scrolledOff + terminal.rows)
    }

    /// The cells of `line`; none for a line not held.
    static func cells(_ terminal: Terminal, line: Int) -> [TerminalCell] {
        let scrolledOff = terminal.linesScrolledOff
        if line < scrolledOff { return terminal.scrollbackLine(scrolledOff - 1 - line) }
        return terminal.cells(row: line - scrolledOff)
    }

    /// The text of `line`; empty for a line not held.
    static func text(_ terminal: Terminal, line: Int) -> String {
        let scrolledOff = terminal.linesScrolledOff
        if line < scrolledOff { return terminal.scrollbackText(scrolledOff - 1 - line) }
        return terminal.text(row: line - scrolledOff)
    }

    /// The first line shown: the anchored one while it is held, else the oldest held.
    func topLine(_ terminal: Terminal) -> Int {
        Self.clampedTop(top ?? terminal.linesScrolledOff, terminal)
    }

    /// Lines between the view and the live screen (0: the view is on the live screen).
    func offset(_ terminal: Terminal) -> Int {
        terminal.linesScrolledOff - topLine(terminal)
    }

    /// Moves the view `lines` older (negative: newer), within the lines held.
    mutating func scroll(by lines: Int, _ terminal: Terminal) {
        top = Self.clampedTop(topLine(terminal) - lines, terminal)
    }

    mutating func scrollToOldest(_ terminal: Terminal) { top = Self.lines(terminal).lowerBound }
    mutating func scrollToNewest(_ terminal: Terminal) { top = terminal.linesScrolledOff }

    /// `line` as a top line: from the oldest held to the live screen's first row.
    private static func clampedTop(_ line: Int, _ terminal: Terminal) -> Int {
        max(lines(terminal).lowerBound, min(terminal.linesScrolledOff, line))
    }

    /// Finds `term` (case-insensitive) searching older (`older: true`) or newer
    /// from the current match or view; moves the view to it. False when not found.
    mutating func search(_ term: String, older: Bool, _ terminal: Terminal) -> Bool {
        guard !term.isEmpty else { return false }
        searchTerm = term
        let needle = term.lowercased()
        let held = Self.lines(terminal)
        let start: Int
        if let match, held.contains(match.line) {
            start = older ? match.line - 1 : match.line + 1
        } else {
            start = older ? min(held.upperBound - 1, topLine(terminal) + terminal.rows - 1) : topLine(terminal)
        }
        var line = start
        while held.contains(line) {
            let text = Self.text(terminal, line: line).lowercased()
            if let range = text.range(of: needle) {
                let column = Screen.width(of: String(text[..<range.lowerBound]))
                match = (line, column)
                // Bring the match into view, a third of the way down.
                top = Self.clampedTop(line - terminal.rows / 3, terminal)
                return true
            }
            line += older ? -1 : 1
        }
        return false
    }
}
