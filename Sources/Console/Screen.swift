import CNCursesW
import CShims
import Foundation
import TerminalEmulator

/// The real terminal, through curses. Owns the one window everything is drawn in
/// and read from (reading from `stdscr` while drawing elsewhere makes curses wipe
/// the frame). Only the UI thread may touch it.
final class Screen {
    private(set) var window: UnsafeMutablePointer<WINDOW>
    private(set) var rows: Int
    private(set) var cols: Int
    let depth: ColorDepth
    private var theme: Theme
    private var rolePens: [StyleRole: CursesPen] = [:]
    private var pairs: [UInt64: Int32] = [:]
    private var cellText: [wchar_t] = Array(repeating: 0, count: 12)
    private var cursor: (row: Int, col: Int)?
    private var pendingPaste: String?
    private var ended = false

    private static let boldBits = porthole_a_bold()
    private static let dimBits = porthole_a_dim()
    private static let italicBits = porthole_a_italic()
    private static let underlineBits = porthole_a_underline()
    private static let blinkBits = porthole_a_blink()
    private static let reverseBits = porthole_a_reverse()

    /// Key codes we ask curses to report for the outer terminal's paste brackets.
    private static let pasteStartCode: Int32 = 0x7F00
    private static let pasteEndCode: Int32 = 0x7F01

    /// Starts curses on the controlling terminal. `color: false` (NO_COLOR) keeps
    /// curses from touching colours at all.
    init(theme: Theme, color: Bool, mouse: Bool) throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw ConsoleError.notATerminal
        }
        _ = porthole_set_locale()
        guard initscr() != nil else { throw ConsoleError.cursesFailed("initscr") }
        // raw (not cbreak) so Ctrl-C, Ctrl-Z, Ctrl-S reach the focused pane's program.
        raw()
        noecho()
        nonl()
        set_escdelay(25)
        var depth = ColorDepth.none
        if color, has_colors() {
            start_color()
            use_default_colors()
            depth = ColorDepth(colorCount: Int(porthole_colors()))
        }
        self.depth = depth
        self.theme = theme
        rows = Int(porthole_lines())
        cols = Int(porthole_cols())
        guard let window = newwin(0, 0, 0, 0) else {
            endwin()
            throw ConsoleError.cursesFailed("newwin")
        }
        self.window = window
        keypad(window, true)
        nodelay(window, true)
        meta(window, true)
        curs_set(0)
        define_key("\u{1B}[200~", Self.pasteStartCode)
        define_key("\u{1B}[201~", Self.pasteEndCode)
        if mouse {
            mousemask(porthole_mouse_all_events(), nil)
            // Report presses at once rather than waiting to see if they become clicks.
            mouseinterval(0)
        }
        // Bracketed paste on the outer terminal, so a paste reaches a pane as one paste.
        writeControl("\u{1B}[?2004h")
    }

    deinit { end() }

    /// Gives the terminal back as it was. Safe to call more than once.
    func end() {
        guard !ended else { return }
        ended = true
        writeControl("\u{1B}[?2004l")
        mousemask(0, nil)
        curs_set(1)
        delwin(window)
        endwin()
    }

    /// Writes an escape sequence straight to the terminal (things curses has no call for).
    func writeControl(_ text: String) {
        fflush(stdout)
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }

    /// Follows a terminal resize: curses has resized its own screen; ours follows.
    func adoptTerminalSize() {
        rows = Int(porthole_lines())
        cols = Int(porthole_cols())
        wresize(window, Int32(rows), Int32(cols))
        clearok(window, true)
    }

    // MARK: Styles

    /// Switches theme: every pen is recomputed, and the next frame must be drawn whole.
    func use(theme: Theme) {
        self.theme = theme
        rolePens = [:]
        pairs = [:]
        if depth != .none { reset_color_pairs() }
        clearok(window, true)
    }

    func pen(_ role: StyleRole) -> CursesPen {
        if let pen = rolePens[role] { return pen }
        let style = theme[role]
        let pen = depth == .none
            ? CursesPen(attributes: Self.bits(style.monochrome), pair: 0)
            : pen(foreground: style.foreground, background: style.background, attributes: style.attributes)
        rolePens[role] = pen
        return pen
    }

    /// A pen for arbitrary colours (terminal cells). A default colour in a cell
    /// means the pane style's colour, so themes decide a pane's default look.
    func pen(foreground: TerminalColor, background: TerminalColor, attributes: CellAttributes) -> CursesPen {
        guard depth != .none else { return CursesPen(attributes: Self.bits(attributes), pair: 0) }
        let fg = ColorMapping.cursesColor(foreground, depth: depth)
        let bg = ColorMapping.cursesColor(background, depth: depth)
        let key = UInt64(UInt32(bitPattern: fg)) << 32 | UInt64(UInt32(bitPattern: bg))
        let pair: Int32
        if let known = pairs[key] {
            pair = known
        } else {
            pair = fg == -1 && bg == -1 ? 0 : max(0, alloc_pair(fg, bg))
            pairs[key] = pair
        }
        return CursesPen(attributes: Self.bits(attributes), pair: pair)
    }

    static func bits(_ attributes: CellAttributes) -> attr_t {
        var bits: attr_t = 0
        if attributes.isEmpty { return bits }
        if attributes.contains(.bold) { bits |= boldBits }
        if attributes.contains(.dim) { bits |= dimBits }
        if attributes.contains(.italic) { bits |= italicBits }
        if attributes.contains(.underline) { bits |= underlineBits }
        if attributes.contains(.blink) { bits |= blinkBits }
        if attributes.contains(.reverse) { bits |= reverseBits }
        return bits
    }

    // MARK: Drawing

    /// Draws one cell's text (a grapheme: base plus combining marks) at a cell.
    @inline(__always)
    func putCell(row: Int, col: Int, scalars: String.UnicodeScalarView, pen: CursesPen) {
        var count = 0
        for scalar in scalars where count < cellText.count - 1 {
            cellText[count] = wchar_t(bitPattern: scalar.value)
            count += 1
        }
        if count == 0 {
            cellText[0] = 0x20
            count = 1
        }
        cellText[count] = 0
        cellText.withUnsafeBufferPointer { buffer in
            _ = porthole_put_cell(window, Int32(row), Int32(col), buffer.baseAddress, pen.attributes, pen.pair)
        }
    }

    /// Writes text from a cell, clipped to `width` columns; returns the columns used.
    /// Wide characters that would straddle the edge are replaced by a space.
    @discardableResult
    func put(_ text: String, row: Int, col: Int, width: Int, pen: CursesPen) -> Int {
        guard row >= 0, row < rows, width > 0 else { return 0 }
        var used = 0
        for character in text {
            let cellWidth = Self.width(of: character)
            if cellWidth == 0 { continue }
            if used + cellWidth > width {
                if used < width { putCell(row: row, col: col + used, scalars: " ".unicodeScalars, pen: pen); used += 1 }
                break
            }
            let shown: Character = character.isNewline || character == "\t" ? " " : character
            putCell(row: row, col: col + used, scalars: shown.unicodeScalars, pen: pen)
            used += cellWidth
        }
        return used
    }

    /// Fills `width` cells of a row with blanks in a pen.
    func fill(row: Int, col: Int, width: Int, pen: CursesPen) {
        guard row >= 0, row < rows else { return }
        for x in max(0, col)..<min(cols, col + width) {
            putCell(row: row, col: x, scalars: " ".unicodeScalars, pen: pen)
        }
    }

    func fill(_ rect: Rect, pen: CursesPen) {
        for y in rect.y..<rect.maxY { fill(row: y, col: rect.x, width: rect.width, pen: pen) }
    }

    /// Draws a single-line box around `rect`.
    func box(_ rect: Rect, pen: CursesPen) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let horizontal = String(repeating: "─", count: rect.width - 2)
        put("┌" + horizontal + "┐", row: rect.y, col: rect.x, width: rect.width, pen: pen)
        for y in (rect.y + 1)..<(rect.maxY - 1) {
            put("│", row: y, col: rect.x, width: 1, pen: pen)
            put("│", row: y, col: rect.maxX - 1, width: 1, pen: pen)
        }
        put("└" + horizontal + "┘", row: rect.maxY - 1, col: rect.x, width: rect.width, pen: pen)
    }

    /// A box with a title set into its top border: `┌ title ───┐`.
    func frame(_ rect: Rect, border: CursesPen, title: String, titlePen: CursesPen) {
        box(rect, pen: border)
        guard rect.width > 6, !title.isEmpty else { return }
        put(" " + title + " ", row: rect.y, col: rect.x + 1, width: rect.width - 3, pen: titlePen)
    }

    /// Columns a character takes on the terminal (0 for controls and combining marks).
    static func width(of character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        if first.value < 0x20 || first.value == 0x7F { return character == "\t" || character.isNewline ? 1 : 0 }
        if first.isASCII { return 1 }
        return max(0, Int(porthole_wcwidth(first.value)))
    }

    /// Columns a string takes.
    static func width(of text: String) -> Int {
        text.reduce(0) { $0 + width(of: $1) }
    }

    /// Where the terminal cursor should be after this frame, or nil to hide it.
    func placeCursor(row: Int, col: Int) { cursor = (row, col) }
    func hideCursor() { cursor = nil }

    /// Sends the frame to the terminal; curses writes only cells that changed.
    func flush() {
        if let cursor {
            wmove(window, Int32(cursor.row), Int32(cursor.col))
            curs_set(1)
        } else {
            curs_set(0)
        }
        wnoutrefresh(window)
        doupdate()
    }

    // MARK: Input

    /// The next input event, or nil when curses has nothing more right now.
    func read() -> InputEvent? {
        var wide: wint_t = 0
        let status = wget_wch(window, &wide)
        if status == ERR { return nil }
        if status == KEY_CODE_YES {
            return special(Int32(wide))
        }
        let scalar = Unicode.Scalar(UInt32(wide)) ?? "?"
        if pendingPaste != nil {
            pendingPaste!.unicodeScalars.append(scalar == "\r" ? "\n" : scalar)
            return read()
        }
        if scalar == "\u{1B}" {
            // ESC then a key already waiting is Alt+key (what terminals send for Meta).
            var next: wint_t = 0
            let nextStatus = wget_wch(window, &next)
            if nextStatus == ERR { return .key(KeyPress(.escape)) }
            if nextStatus == KEY_CODE_YES {
                if case .key(var press)? = special(Int32(next)) {
                    press.modifiers.insert(.alt)
                    return .key(press)
                }
                return .key(KeyPress(.escape))
            }
            var press = Self.keyPress(for: Unicode.Scalar(UInt32(next)) ?? "?")
            press.modifiers.insert(.alt)
            return .key(press)
        }
        return .key(Self.keyPress(for: scalar))
    }

    static func keyPress(for scalar: Unicode.Scalar) -> KeyPress {
        switch scalar {
        case "\r", "\n": return KeyPress(.enter)
        case "\t": return KeyPress(.tab)
        case "\u{7F}", "\u{08}": return KeyPress(.backspace)
        case "\u{1B}": return KeyPress(.escape)
        default: return KeyPress(.character(Character(scalar)))
        }
    }

    private func special(_ code: Int32) -> InputEvent? {
        switch code {
        case KEY_RESIZE: return .resize
        case KEY_MOUSE: return mouse()
        case Self.pasteStartCode:
            pendingPaste = ""
            return read()
        case Self.pasteEndCode:
            let text = pendingPaste ?? ""
            pendingPaste = nil
            return .paste(text)
        case KEY_UP: return .key(KeyPress(.up))
        case KEY_DOWN: return .key(KeyPress(.down))
        case KEY_LEFT: return .key(KeyPress(.left))
        case KEY_RIGHT: return .key(KeyPress(.right))
        case KEY_SR: return .key(KeyPress(.up, .shift))
        case KEY_SF: return .key(KeyPress(.down, .shift))
        case KEY_SLEFT: return .key(KeyPress(.left, .shift))
        case KEY_SRIGHT: return .key(KeyPress(.right, .shift))
        case KEY_HOME: return .key(KeyPress(.home))
        case KEY_END: return .key(KeyPress(.end))
        case KEY_SHOME: return .key(KeyPress(.home, .shift))
        case KEY_SEND: return .key(KeyPress(.end, .shift))
        case KEY_PPAGE: return .key(KeyPress(.pageUp))
        case KEY_NPAGE: return .key(KeyPress(.pageDown))
        case KEY_IC: return .key(KeyPress(.insert))
        case KEY_DC: return .key(KeyPress(.delete))
        case KEY_BACKSPACE: return .key(KeyPress(.backspace))
        case KEY_ENTER: return .key(KeyPress(.enter))
        case KEY_BTAB: return .key(KeyPress(.tab, .shift))
        default: break
        }
        let f1 = porthole_key_f(1)
        if code >= f1, code < f1 + 48 {
            // Curses numbers shifted F-keys F13–F24, ctrl F25–F36, ctrl+shift F37–F48.
            let n = Int(code - f1)
            let modifiers: [KeyModifiers] = [[], .shift, .ctrl, [.ctrl, .shift]]
            return .key(KeyPress(.function(n % 12 + 1), modifiers[n / 12]))
        }
        return extendedKey(code)
    }

    /// Modified arrows and the like have no fixed code: curses names them
    /// (`kUP5` = Ctrl-Up) and the name's digit is xterm's modifier number.
    private func extendedKey(_ code: Int32) -> InputEvent? {
        guard let cName = keyname(code) else { return nil }
        let name = String(cString: cName)
        let bases: [(String, TerminalKey)] = [
            ("kUP", .up), ("kDN", .down), ("kLFT", .left), ("kRIT", .right), ("kHOM", .home),
            ("kEND", .end), ("kPRV", .pageUp), ("kNXT", .pageDown), ("kDC", .delete), ("kIC", .insert),
        ]
        for (prefix, key) in bases where name.hasPrefix(prefix) {
            guard let number = Int(name.dropFirst(prefix.count)), number >= 2 else { continue }
            let bits = number - 1
            var modifiers: KeyModifiers = []
            if bits & 1 != 0 { modifiers.insert(.shift) }
            if bits & 2 != 0 { modifiers.insert(.alt) }
            if bits & 4 != 0 { modifiers.insert(.ctrl) }
            return .key(KeyPress(key, modifiers))
        }
        return nil
    }

    private func mouse() -> InputEvent? {
        var event = MEVENT()
        guard getmouse(&event) == OK else { return nil }
        let state = event.bstate
        let action: MouseInput.Action
        if state & porthole_mouse_wheel_up() != 0 {
            action = .wheelUp
        } else if state & porthole_mouse_wheel_down() != 0 {
            action = .wheelDown
        } else if state & (porthole_mouse_button3_pressed() | porthole_mouse_button3_clicked()) != 0 {
            action = .rightPress
        } else if state & (porthole_mouse_button1_pressed() | porthole_mouse_button1_clicked()) != 0 {
            action = .press
        } else if state & porthole_mouse_button1_released() != 0 {
            action = .release
        } else if state & porthole_mouse_button3_released() != 0 {
            action = .rightRelease
        } else {
            return nil
        }
        return .mouse(MouseInput(action: action, column: Int(event.x), row: Int(event.y)))
    }
}
