import TerminalEmulator

/// A terminal's visible screen as the escape sequences that draw it again on
/// an empty terminal: what a recording started mid-session begins with, so a
/// player shows what the user saw when recording started (a full-screen
/// program included), not a blank screen that fills in piece by piece.
enum ScreenSnapshot {
    static func bytes(of terminal: Terminal) -> [UInt8] {
        var text = ""
        if terminal.modes.alternateScreen { text += "\u{1B}[?1049h" }
        text += "\u{1B}[0m\u{1B}[H\u{1B}[2J"
        for row in 0..<terminal.rows {
            text += "\u{1B}[\(row + 1);1H"
            var current = "0"
            for cell in terminal.cells(row: row) where cell.width > 0 {
                let wanted = sgr(cell)
                if wanted != current {
                    text += "\u{1B}[\(wanted)m"
                    current = wanted
                }
                text += cell.text.isEmpty ? " " : cell.text
            }
            if current != "0" { text += "\u{1B}[0m" }
        }
        let cursor = terminal.cursor
        text += "\u{1B}[\(cursor.row + 1);\(cursor.col + 1)H"
        text += cursor.visible ? "\u{1B}[?25h" : "\u{1B}[?25l"
        return Array(text.utf8)
    }

    /// The SGR parameters that give `cell`'s pen from a reset one ("0;1;38;5;208").
    static func sgr(_ cell: TerminalCell) -> String {
        var parameters = ["0"]
        let attributes: [(CellAttributes, String)] = [
            (.bold, "1"), (.dim, "2"), (.italic, "3"), (.underline, "4"), (.blink, "5"), (.reverse, "7"), (.strike, "9"),
        ]
        for (attribute, code) in attributes where cell.attributes.contains(attribute) { parameters.append(code) }
        if let colour = colour(cell.foreground, base: 30, bright: 90, extended: 38) { parameters.append(colour) }
        if let colour = colour(cell.background, base: 40, bright: 100, extended: 48) { parameters.append(colour) }
        return parameters.joined(separator: ";")
    }

    private static func colour(_ colour: TerminalColor, base: Int, bright: Int, extended: Int) -> String? {
        switch colour {
        case .default: return nil
        case .indexed(let index) where index < 8: return String(base + Int(index))
        case .indexed(let index) where index < 16: return String(bright + Int(index) - 8)
        case .indexed(let index): return "\(extended);5;\(index)"
        case .rgb(let r, let g, let b): return "\(extended);2;\(r);\(g);\(b)"
        }
    }
}
