import CNCursesW
import CShims
import Foundation
import TerminalEmulator

/// The real terminal, through curses. Owns the one window everything is drawn in
/// and read from (reading from `stdscr` while drawing elsewhere makes curses wipe
/// the frame); `InputDecoder` turns what is read into events. Only the UI thread
/// may touch it.
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
    /// Keys, mouse and pastes from the same window (tmux keeps `tty-keys.c` apart from `tty.c`).
    private let input: InputDecoder
    private var ended = false

    private static let boldBits = porthole_a_bold()
    private static let dimBits = porthole_a_dim()
    private static let italicBits = porthole_a_italic()
    private static let underlineBits = porthole_a_underline()
    private static let blinkBits = porthole_a_blink()
    private static let reverseBits = porthole_a_reverse()

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
        input = InputDecoder(window: window, mouse: mouse)
        curs_set(0)
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
        fflush(nil)  // every stdio stream (reading the `stdout` global is not concurrency-safe)
        let bytes = Array(text.utf8)
        // A clipboard write can be 130 KiB: write until all of it is out.
        var written = 0
        var waits = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress! + written, $0.count - written) }
            if n > 0 {
                written += n
            } else if n < 0 && errno == EINTR {
                continue
            } else if n < 0 && errno == EAGAIN && waits < 50 {
                // A terminal that stops reading for 5 s gets the rest dropped, not a hung console.
                waits += 1
                var out = pollfd(fd: STDOUT_FILENO, events: Int16(POLLOUT), revents: 0)
                _ = poll(&out, 1, 100)
            } else {
                break
            }
        }
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
    func read() -> InputEvent? { input.read() }
}
