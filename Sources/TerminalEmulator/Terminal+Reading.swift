/// Reading the terminal: cells, text, damage, modes and scrollback.
extension Terminal {
    /// The cell at (row, col) of the live screen; a blank cell outside it.
    public func cell(row: Int, col: Int) -> TerminalCell {
        guard row >= 0, row < rows, col >= 0, col < cols else { return .blank }
        return makeCell(grid.row(row), count: cols, at: col, reverse: reverseVideo)
    }

    /// Every cell of a live row.
    public func cells(row: Int) -> [TerminalCell] {
        guard row >= 0, row < rows else { return [] }
        let p = grid.row(row)
        return (0..<cols).map { makeCell(p, count: cols, at: $0, reverse: reverseVideo) }
    }

    /// The text of a live row, trailing spaces removed (wide characters once).
    public func text(row: Int) -> String {
        guard row >= 0, row < rows else { return "" }
        return text(of: UnsafeBufferPointer(start: grid.row(row), count: cols))
    }

    /// The whole live screen as text, one line per row, trailing spaces removed.
    public var screenText: String {
        (0..<rows).map { text(row: $0) }.joined(separator: "\n")
    }

    /// Rows changed since the last call, in order; clears the record. Cursor
    /// moves are not damage: read `cursor` on every redraw.
    public func takeDamage() -> [Int] {
        var changed: [Int] = []
        let dirty = live.pointee.dirty
        live.pointee.allDirty = false
        for r in 0..<live.pointee.dirtyCount where dirty[r] {
            changed.append(r)
            dirty[r] = false
        }
        return changed
    }

    /// The modes the program has set.
    public var modes: TerminalModes {
        TerminalModes(alternateScreen: grid === alternate, mouseReporting: mouse,
                      bracketedPaste: bracketedPasteMode, applicationCursorKeys: applicationCursorMode,
                      reverseVideo: reverseVideo)
    }

    // MARK: Scrollback

    /// Lines in scrollback.
    public var scrollbackCount: Int { scrollback.pointee.count }

    /// Lines that have gone to scrollback since the start (less those a
    /// taller screen took back), whether still kept or not. It numbers lines
    /// for good: scrollback line `index` is line `linesScrolledOff - 1 - index`
    /// and live row `row` is line `linesScrolledOff + row`, numbers that stay
    /// on their text as output arrives. Lines below
    /// `linesScrolledOff - scrollbackCount` have been dropped (a full
    /// scrollback, or erased).
    public var linesScrolledOff: Int { scrollback.pointee.pushed }

    /// Scrollback line `index`, 0 being the most recent line pushed off the
    /// top. Trailing blanks are not kept, so a line may be shorter than `cols`
    /// (or longer, if the terminal was wider when it scrolled off).
    public func scrollbackLine(_ index: Int) -> [TerminalCell] {
        guard index >= 0, index < scrollback.pointee.count else { return [] }
        let line = scrollback.pointee.line(index)
        guard let base = line.baseAddress else { return [] }
        return (0..<line.count).map { makeCell(base, count: line.count, at: $0, reverse: false) }
    }

    /// The text of scrollback line `index` (0 = most recent).
    public func scrollbackText(_ index: Int) -> String {
        guard index >= 0, index < scrollback.pointee.count else { return "" }
        return text(of: scrollback.pointee.line(index))
    }

    // MARK: Cell conversion

    func makeCell(_ line: UnsafePointer<StoredCell>, count: Int, at col: Int, reverse: Bool) -> TerminalCell {
        let c = line[col]
        var attrs = CellAttributes(rawValue: c.attrs & CellAttributes.visibleMask)
        if reverse { attrs.formSymmetricDifference(.reverse) }
        var cell = TerminalCell(text: " ", width: 1, foreground: TerminalColor(packed: c.fg),
                                background: TerminalColor(packed: c.bg), attributes: attrs)
        switch shape(line, count: count, at: col) {
        case .blank: break
        case .continuation: cell.text = ""; cell.width = 0
        case .glyph(let width): cell.text = string(for: c.char); cell.width = width
        }
        return cell
    }

    enum CellShape { case blank, continuation, glyph(Int) }

    /// What a cell shows. A wide character whose other half was overwritten
    /// shows as blank, as on a real terminal.
    func shape(_ line: UnsafePointer<StoredCell>, count: Int, at col: Int) -> CellShape {
        let c = line[col]
        if c.char == 0 { return .blank }
        if c.char == StoredCell.continuation {
            return col > 0 && line[col - 1].wide != 0 && line[col - 1].char != StoredCell.continuation
                ? .continuation : .blank
        }
        if c.wide != 0 {
            return col + 1 < count && line[col + 1].char == StoredCell.continuation ? .glyph(2) : .blank
        }
        return .glyph(1)
    }

    func string(for code: UInt32) -> String {
        var s = String.UnicodeScalarView()
        if code & StoredCell.clusterFlag != 0 {
            for v in clusters.scalars(of: code) { if let u = Unicode.Scalar(v) { s.append(u) } }
        } else if let u = Unicode.Scalar(code) {
            s.append(u)
        }
        return s.isEmpty ? " " : String(s)
    }

    func text(of line: UnsafeBufferPointer<StoredCell>) -> String {
        guard let base = line.baseAddress else { return "" }
        var out = ""
        var pendingSpaces = 0
        for col in 0..<line.count {
            switch shape(base, count: line.count, at: col) {
            case .blank: pendingSpaces += 1
            case .continuation: break
            case .glyph:
                if pendingSpaces > 0 { out += String(repeating: " ", count: pendingSpaces); pendingSpaces = 0 }
                out += string(for: base[col].char)
            }
        }
        while out.last == " " { out.removeLast() }
        return out
    }
}
