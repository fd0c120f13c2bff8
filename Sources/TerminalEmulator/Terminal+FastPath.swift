import CVTerm
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The fast path: printable ASCII, CR, LF, BS, TAB (with the default tab
/// stops) and common SGR sequences go straight into the grid, without libvterm.
///
/// Why: libvterm's parser alone runs at about 3× the rate a pty delivers, so
/// with it on every byte the emulator would be what limits a busy pane. Bulk
/// output is mostly plain text, line ends and colour changes, whose effect is
/// simple as long as nothing unusual is on: autowrap on; no insert mode,
/// newline mode, origin mode, left/right margins, character protection,
/// double-width lines or non-ASCII character set. Everything else, and any
/// text while one of those is on, still goes to libvterm, which is first
/// brought up to date with what the fast path did (`catchUpLibvterm`).
///
/// The fast path follows libvterm's own rules (`on_text`, `linefeed`), so the
/// screen is the same either way; tests feed the same bytes both ways and
/// compare.
extension Terminal {
    /// True when the bytes at the current point may take the fast path.
    func fastPathReady() -> Bool {
        guard fastPathEnabled, scanner.isGround, !marginResetPending, sanitizer.isIdle,
              scanner.modes.textIsPlain else { return false }
        if scanner.modes.needsProbe { probeFastPathModes() }
        let state = fast.pointee
        guard state.regionKnown else { return false }
        let cursor = live.pointee.cursor
        guard cursor.row >= 0, cursor.row < rows, cursor.col >= 0, cursor.col < cols else { return false }
        // When libvterm is up to date it may be waiting to wrap at the right
        // edge (a wide character can leave it one column short of it), which
        // it cannot be asked about: leave those columns to it.
        return state.ahead || cursor.col < cols - 2
    }

    /// Asks libvterm for its scroll region (DECRQSS: a CSI query would make
    /// libvterm clamp its cursor to the margins, a change of its own).
    func probeFastPathModes() {
        scanner.modes.needsProbe = false
        let reply = String(decoding: probeOutput { writeRaw(Terminal.regionProbe) }, as: UTF8.self)
        var region: (Int, Int)?
        if let r = reply.firstRange(of: "1$r") {
            let fields = reply[r.upperBound...].prefix { $0 != "r" }.split(separator: ";")
            if fields.count == 2, let top = Int(fields[0]), let bottom = Int(fields[1]),
               top >= 1, bottom > top, bottom <= rows {
                region = (top - 1, bottom)
            }
        }
        fast.pointee.regionKnown = region != nil
        if let (top, bottom) = region {
            fast.pointee.scrollTop = top
            fast.pointee.scrollBottom = bottom
        }
    }

    private static let regionProbe = Array("\u{1B}P$qr\u{1B}\\".utf8)

    /// Takes printable ASCII, CR, LF, BS, TAB and SGR sequences it can apply from
    /// `start`; returns where it stopped (at `end`, or at the first byte left
    /// to libvterm). Call only when `fastPathReady()`.
    func fastRun(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Int {
        let live = self.live, fast = self.fast
        let screen = live.pointee.screen
        let dirty = live.pointee.dirty
        let cols = screen.pointee.cols, rows = screen.pointee.rows
        let top = fast.pointee.scrollTop, bottom = fast.pointee.scrollBottom
        let onPrimary = grid === primary
        let defaultTabStops = scanner.modes.defaultTabStops
        var row = live.pointee.cursor.row, col = live.pointee.cursor.col
        var pendingWrap = fast.pointee.ahead && fast.pointee.pendingWrap
        var pen = live.pointee.pen
        var glyphRow = fast.pointee.glyphRow, glyphCol = fast.pointee.glyphCol
        var glyphChar = fast.pointee.glyphChar
        var penChanges = fast.pointee.penChanges
        // The cell new characters get, kept apart from `pen` (whose address
        // the SGR parser takes) so that printing reads it from registers.
        var template = StoredCell(char: 0, fg: pen.fg, bg: pen.bg, attrs: pen.attrs, wide: false)
        var i = start

        // libvterm's linefeed(): scroll at the region's bottom, else move down
        // (which ends a pending wrap: the cursor moved).
        @inline(__always) func lineFeed() {
            if row == bottom - 1 {
                scrollUp(top: top, bottom: bottom, pen: pen, onPrimary: onPrimary)
            } else if row < rows - 1 {
                row += 1
                pendingWrap = false
            }
        }

        while i < end {
            let b = base[i]
            if b &- 0x20 < 0x5F {                  // printable ASCII
                if pendingWrap {
                    lineFeed()
                    col = 0
                    pendingWrap = false
                }
                let line = screen.pointee.row(row)
                var cell = template
                var c = col
                var leftToLibvterm = false
                while true {
                    if c + 1 >= cols, i + 1 < end, base[i + 1] >= 0x80 {
                        // Maybe a combining mark for this last character of
                        // the line: libvterm joins one to a character that
                        // waits to wrap only within the same write.
                        leftToLibvterm = true
                        break
                    }
                    cell.char = UInt32(base[i])
                    line[c] = cell
                    i += 1
                    if c + 1 >= cols {
                        pendingWrap = true
                        break
                    }
                    c += 1
                    guard i < end, base[i] &- 0x20 < 0x5F else { break }
                }
                if c > col || pendingWrap {
                    glyphRow = row
                    glyphCol = pendingWrap ? c : c - 1
                    glyphChar = base[i - 1]
                    screen.pointee.raiseExtent(ofRow: row, to: glyphCol + 1)
                    dirty[row] = true
                }
                col = c
                if leftToLibvterm { break }
            } else if b == 0x0D {                  // CR
                if col != 0 {
                    col = 0
                    pendingWrap = false
                }
                i += 1
            } else if b == 0x0A {                  // LF
                lineFeed()
                i += 1
            } else if b == 0x08 {                  // BS
                if col > 0 {
                    col -= 1
                    pendingWrap = false
                }
                i += 1
            } else if b == 0x09, defaultTabStops { // HT: to the next multiple of 8, at most the last column
                if col < cols - 1 {
                    col = min((col / 8 + 1) * 8, cols - 1)
                    pendingWrap = false
                }
                i += 1
            } else if b == 0x1B, let next = Terminal.fastSGR(base, from: i, to: end, pen: &pen, changes: &penChanges) {
                template = StoredCell(char: 0, fg: pen.fg, bg: pen.bg, attrs: pen.attrs, wide: false)
                i = next
            } else {
                break
            }
        }
        guard i > start else { return i }
        live.pointee.cursor.row = row
        live.pointee.cursor.col = col
        live.pointee.pen = pen
        if glyphRow >= 0 { live.pointee.lastGlyphWidth = 1 }
        fast.pointee.ahead = true
        fast.pointee.pendingWrap = pendingWrap
        fast.pointee.glyphRow = glyphRow
        fast.pointee.glyphCol = glyphCol
        fast.pointee.glyphChar = glyphChar
        fast.pointee.penChanges = penChanges
        return i
    }

    /// An SGR (`ESC [` digits and `;` `m`) complete within the bytes, applied
    /// to `pen`; returns the offset after it, or nil (pen untouched) when the
    /// sequence is anything else or not one the fast path applies.
    @inline(__always)
    static func fastSGR(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int,
                        pen: inout Pen, changes: inout Pen.Changes) -> Int? {
        var i = start + 1
        guard i < end, base[i] == 0x5B else { return nil }
        i += 1
        var params = CSIParameters()
        var current: Int32 = -1
        while i < end {
            let b = base[i]
            if b &- 0x30 < 10 {
                let digit = Int32(b &- 0x30)
                current = current < 0 ? digit : min(current &* 10 &+ digit, 1_000_000)
            } else if b == 0x3B {
                guard params.count < CSIParameters.capacity - 1 else { return nil }
                params.append(current, isSub: false)
                current = -1
            } else if b == 0x6D {
                params.append(current, isSub: false)
                return pen.applySGR(params, changes: &changes) ? i + 1 : nil
            } else {
                return nil
            }
            i += 1
        }
        return nil
    }

    /// Scrolls rows `top..<bottom` up one line, as libvterm's scrollrect does
    /// through `scroll(_:down:right:)`, without its general cases. The same
    /// as `ScreenGrid.scrollRows(…by: 1…)` written out on the raw storage:
    /// calling that instead measured 8% slower on `seq`.
    @inline(__always)
    private func scrollUp(top: Int, bottom: Int, pen: Pen, onPrimary: Bool) {
        let screen = live.pointee.screen
        let cols = screen.pointee.cols
        let extents = screen.pointee.extents
        let slots = screen.pointee.slots
        let leaving = slots[top]
        if top == 0, onPrimary { scrollback.pointee.push(screen.pointee.cells + leaving &* cols, count: extents[leaving]) }
        if top == 0, bottom == screen.pointee.rows {
            _ = screen.pointee.rotateUp()
        } else {
            if bottom - top > 1 { (slots + top).update(from: slots + top + 1, count: bottom - top - 1) }
            slots[bottom - 1] = leaving
        }
        // The line coming in at the bottom reuses the leaving line's storage.
        let blank = StoredCell.blank(fg: pen.fg, bg: pen.bg)
        let cells = screen.pointee.cells + leaving &* cols
        if blank.isZero {
            StoredCell.fill(cells, count: extents[leaving], with: blank)
            extents[leaving] = 0
        } else {
            StoredCell.fill(cells, count: cols, with: blank)
            extents[leaving] = cols
        }
        if !live.pointee.allDirty {
            (live.pointee.dirty + top).update(repeating: true, count: bottom - top)
            if top == 0, bottom == screen.pointee.rows { live.pointee.allDirty = true }
        }
    }

    /// Brings libvterm up to date with what the fast path did, before it gets
    /// anything else or is asked about its state.
    func catchUpLibvterm() {
        guard fast.pointee.ahead || !fast.pointee.penChanges.isEmpty else { return }
        let state = fast.pointee
        fast.pointee.ahead = false
        fast.pointee.penChanges = Pen.Changes()
        fast.pointee.glyphRow = -1
        let savedPen = live.pointee.pen
        let cursor = live.pointee.cursor
        var sequence: [UInt8] = []
        var restore: (row: Int, col: Int, cell: StoredCell, dirty: Bool)?
        if state.ahead {
            if state.glyphRow >= 0 {
                // libvterm prints the last character again where it went, so
                // it knows what a combining mark would join and REP repeat,
                // and waits to wrap if that was the right edge. Our cell
                // there is put back afterwards (it may have scrolled since).
                restore = (state.glyphRow, state.glyphCol, grid.row(state.glyphRow)[state.glyphCol],
                           live.pointee.dirty[state.glyphRow])
                sequence += Terminal.cursorPosition(row: state.glyphRow, col: state.glyphCol)
                sequence.append(state.glyphChar)
            }
            // A pending wrap stays only where the last character was printed.
            if !(state.pendingWrap && state.glyphRow == cursor.row && state.glyphCol == cursor.col) {
                sequence += Terminal.cursorPosition(row: cursor.row, col: cursor.col)
            }
        }
        sequence += savedPen.sgrSequences(for: state.penChanges)
        writeRaw(sequence)
        if let restore {
            grid.row(restore.row)[restore.col] = restore.cell
            live.pointee.dirty[restore.row] = restore.dirty
        }
        // libvterm has no faint: its callbacks may have turned it off.
        live.pointee.pen = savedPen
        live.pointee.cursor = cursor
    }

    /// CUP to a zero-based position.
    static func cursorPosition(row: Int, col: Int) -> [UInt8] {
        Array("\u{1B}[\(row + 1);\(col + 1)H".utf8)
    }
}
