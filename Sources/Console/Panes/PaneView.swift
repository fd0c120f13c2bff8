import Foundation
import TerminalEmulator

/// Draws a pane: its border and title, then the emulator's rows — all of them
/// after a layout change, otherwise only the rows the emulator reports damaged.
enum PaneView {
    static func draw(_ pane: Pane, on screen: Screen, focused: Bool, synchronized: Bool, paneStyle: ThemeStyle) {
        let frame = pane.frame
        guard frame.width >= 3, frame.height >= 3 else { return }
        if pane.chromeDirty || pane.needsFullRedraw {
            let borderRole: StyleRole = synchronized && pane.marked ? .borderSynchronized : (focused ? .borderFocused : .border)
            var title = pane.title
            if pane.marked { title = (synchronized ? "⇶ sync · " : "● marked · ") + title }
            let titleRole: StyleRole = synchronized && pane.marked ? .borderSynchronized : (focused ? .titleFocused : .title)
            screen.frame(frame, border: screen.pen(borderRole), title: title,
                         titlePen: screen.pen(idleWarningRole(pane) ?? titleRole))
            if pane.state.isFinished {
                let badge = " " + pane.state.summary + " "
                let width = Screen.width(of: badge)
                if frame.width > width + 4 {
                    screen.put(badge, row: frame.maxY - 1, col: frame.maxX - width - 2, width: width, pen: screen.pen(.paneEnded))
                }
            }
            pane.chromeDirty = false
        }
        let content = pane.contentRect
        let terminal = pane.terminal
        if let view = pane.scrollback {
            _ = terminal.takeDamage()
            drawScrollback(view, terminal: terminal, on: screen, in: content, paneStyle: paneStyle)
            pane.needsFullRedraw = false
            return
        }
        let damaged = terminal.takeDamage()
        let rows: [Int] = pane.needsFullRedraw ? Array(0..<terminal.rows) : damaged
        for row in rows where row < content.height {
            drawRow(terminal.cells(row: row), on: screen, row: content.y + row, x: content.x, width: content.width,
                    paneStyle: paneStyle, highlight: nil)
        }
        pane.needsFullRedraw = false
    }

    /// The title turns to the error style in the last stretch before the idle timeout.
    private static func idleWarningRole(_ pane: Pane) -> StyleRole? {
        // `warned`: in step with the title's text and the status line's warning.
        guard pane.state.isOpen, let clock = pane.idleClock, clock.warned else { return nil }
        return .statusLineError
    }

    private static func drawScrollback(_ view: ScrollbackView, terminal: Terminal, on screen: Screen, in content: Rect, paneStyle: ThemeStyle) {
        let top = view.topLine(terminal)
        let held = ScrollbackView.lines(terminal)
        for row in 0..<content.height {
            let line = top + row
            let cells = held.contains(line) ? ScrollbackView.cells(terminal, line: line) : []
            var highlight: Range<Int>?
            var highlightRole = StyleRole.searchMatch
            if let match = view.match, match.line == line, let term = view.searchTerm {
                highlight = match.column..<(match.column + Screen.width(of: term))
            }
            if let selected = view.selectedLines, selected.contains(line) {
                highlight = 0..<content.width
                highlightRole = .menuSelected
            }
            drawRow(cells, on: screen, row: content.y + row, x: content.x, width: content.width,
                    paneStyle: paneStyle, highlight: highlight, highlightRole: highlightRole)
        }
        // Where we are, in the top-right corner of the content like tmux's copy mode.
        let position = "[\(view.offset(terminal))/\(terminal.scrollbackCount)]"
        let width = Screen.width(of: position)
        if content.width > width {
            screen.put(position, row: content.y, col: content.maxX - width, width: width, pen: screen.pen(.searchMatch))
        }
    }

    /// Draws one row of cells, padding with blanks; default colours become the theme's pane colours.
    static func drawRow(_ cells: [TerminalCell], on screen: Screen, row: Int, x: Int, width: Int,
                        paneStyle: ThemeStyle, highlight: Range<Int>?, highlightRole: StyleRole = .searchMatch) {
        var col = 0
        let blankPen = screen.pen(foreground: paneStyle.foreground, background: paneStyle.background, attributes: [])
        for cell in cells {
            if col >= width { break }
            if cell.width == 0 { continue }
            if cell.width == 2 && col + 1 >= width {
                // Half a wide character does not fit: a blank keeps the border in place.
                screen.putCell(row: row, col: x + col, scalars: " ".unicodeScalars, pen: blankPen)
                col += 1
                continue
            }
            var pen: CursesPen
            if let highlight, highlight.contains(col) {
                pen = screen.pen(highlightRole)
            } else if cell.foreground == .default, cell.background == .default, cell.attributes.isEmpty {
                pen = blankPen
            } else {
                pen = screen.pen(
                    foreground: cell.foreground == .default ? paneStyle.foreground : cell.foreground,
                    background: cell.background == .default ? paneStyle.background : cell.background,
                    attributes: cell.attributes)
            }
            screen.putCell(row: row, col: x + col, scalars: cell.text.unicodeScalars, pen: pen)
            col += max(1, cell.width)
        }
        let highlightPen = screen.pen(highlightRole)
        while col < width {
            screen.putCell(row: row, col: x + col, scalars: " ".unicodeScalars,
                           pen: highlight?.contains(col) == true ? highlightPen : blankPen)
            col += 1
        }
    }
}
