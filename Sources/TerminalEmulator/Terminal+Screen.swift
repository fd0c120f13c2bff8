import CVTerm

/// The screen side of the terminal: what libvterm's state layer asks for
/// (glyphs, erases, scrolls, properties, resizes), applied to our grids.
extension Terminal {
    /// C entry points for libvterm's state callbacks (through the CVTerm shim,
    /// which hides the differences between libvterm versions). `user` is the
    /// unretained Terminal; it owns the VTerm, so it outlives every callback.
    static var stateHandlers: PortholeVTermHandlers {
        PortholeVTermHandlers(
            putglyph: { chars, count, width, protected, row, col, user in
                guard let chars, let user else { return 0 }
                Unmanaged<Terminal>.fromOpaque(user)._withUnsafeGuaranteedRef {
                    $0.putGlyph(chars, count: Int(count), width: Int(width), protected: protected != 0,
                                row: Int(row), col: Int(col))
                }
                return 1
            },
            movecursor: { row, col, visible, user in
                guard let user else { return 0 }
                Unmanaged<Terminal>.fromOpaque(user)._withUnsafeGuaranteedRef {
                    $0.moveCursor(row: Int(row), col: Int(col), visible: visible != 0)
                }
                return 1
            },
            scrollrect: { rect, downward, rightward, user in
                guard let user else { return 0 }
                Unmanaged<Terminal>.fromOpaque(user)._withUnsafeGuaranteedRef {
                    $0.scroll(rect, down: Int(downward), right: Int(rightward))
                }
                return 1
            },
            moverect: { dest, src, user in
                guard let user else { return 0 }
                Unmanaged<Terminal>.fromOpaque(user)._withUnsafeGuaranteedRef { $0.move(dest, from: src) }
                return 1
            },
            erase: { rect, selective, user in
                guard let user else { return 0 }
                Unmanaged<Terminal>.fromOpaque(user)._withUnsafeGuaranteedRef {
                    $0.erase(rect, selective: selective != 0)
                }
                return 1
            },
            setpenattr: { attr, value, user in
                guard let value, let user else { return 0 }
                Unmanaged<Terminal>.fromOpaque(user)._withUnsafeGuaranteedRef { $0.live.pointee.pen.apply(attr, value) }
                return 1
            },
            settermprop: { prop, value, user in
                guard let user else { return 0 }
                return Unmanaged<Terminal>.fromOpaque(user)._withUnsafeGuaranteedRef {
                    $0.setProperty(prop, Int(value)) ? 1 : 0
                }
            },
            bell: { user in
                guard let user else { return 0 }
                Unmanaged<Terminal>.fromOpaque(user)._withUnsafeGuaranteedRef { $0.ringBell() }
                return 1
            },
            resize: { rows, cols, cursorRowDelta, user in
                guard let user else { return 0 }
                let delta = Unmanaged<Terminal>.fromOpaque(user)._withUnsafeGuaranteedRef {
                    $0.resizeScreens(rows: Int(rows), cols: Int(cols))
                }
                cursorRowDelta?.pointee += Int32(delta)
                return 1
            },
            user: nil)
    }

    // MARK: Glyphs and cursor

    @inline(__always)
    func putGlyph(_ chars: UnsafePointer<UInt32>, count: Int, width: Int, protected: Bool, row: Int, col: Int) {
        let live = self.live
        live.pointee.lastGlyphWidth = width
        let screen = live.pointee.screen
        let cols = screen.pointee.cols
        guard row >= 0, row < screen.pointee.rows, col >= 0, col < cols else { return }
        let code = count <= 1
            ? chars[0]
            : clusters.code(for: UnsafeBufferPointer(start: chars, count: count))
        let line = screen.pointee.row(row)
        let pen = live.pointee.pen
        let attrs = protected ? pen.attrs | CellAttributes.protectedBit : pen.attrs
        line[col] = StoredCell(char: code, fg: pen.fg, bg: pen.bg, attrs: attrs, wide: width == 2)
        if width == 2, col + 1 < cols {
            line[col + 1] = StoredCell(char: StoredCell.continuation, fg: pen.fg, bg: pen.bg, attrs: attrs, wide: false)
            screen.pointee.raiseExtent(ofRow: row, to: col + 2)
        } else {
            screen.pointee.raiseExtent(ofRow: row, to: col + 1)
        }
        live.pointee.dirty[row] = true
    }

    @inline(__always)
    func moveCursor(row: Int, col: Int, visible: Bool) {
        live.pointee.cursor.row = row
        live.pointee.cursor.col = col
        live.pointee.cursor.visible = visible
    }

    func ringBell() {
        bellCount += 1
        bellsRung += 1  // onBell runs when the feed is done (see Terminal.notify)
    }

    // MARK: Erase, scroll, move

    /// `rect` clipped to the live screen.
    private func clip(_ rect: VTermRect) -> (rows: Range<Int>, cols: Range<Int>) {
        let r0 = max(0, Int(rect.start_row)), r1 = min(grid.rows, Int(rect.end_row))
        let c0 = max(0, Int(rect.start_col)), c1 = min(grid.cols, Int(rect.end_col))
        return (r0..<max(r0, r1), c0..<max(c0, c1))
    }

    private func markDirty(_ rows: Range<Int>) {
        let dirty = live.pointee.dirty
        for r in rows { dirty[r] = true }
    }

    private var eraseBlank: StoredCell {
        StoredCell.blank(fg: live.pointee.pen.fg, bg: live.pointee.pen.bg)
    }

    func erase(_ rect: VTermRect, selective: Bool) {
        let (rows, cols) = clip(rect)
        let blank = eraseBlank
        for r in rows {
            if selective {
                // DECSED/DECSEL leave DECSCA-protected cells alone.
                let line = grid.row(r)
                for c in cols where line[c].attrs & CellAttributes.protectedBit == 0 { line[c] = blank }
                if !blank.isZero { grid.storage.pointee.raiseExtent(ofRow: r, to: cols.upperBound) }
            } else {
                grid.fill(row: r, cols: cols, with: blank)
            }
        }
        markDirty(rows)
    }

    func scroll(_ rect: VTermRect, down: Int, right: Int) {
        let (rows, cols) = clip(rect)
        guard !rows.isEmpty, !cols.isEmpty else { return }
        let g = grid
        let blank = eraseBlank
        if right == 0, cols == 0..<g.cols {
            // Lines leaving the top of the primary screen go to scrollback
            // (as libvterm's screen does: any region anchored at the top).
            if down > 0, rows.lowerBound == 0, g === primary {
                for r in 0..<min(down, rows.count) { scrollback.pointee.push(g.row(r), count: g.extent(ofRow: r)) }
            }
            g.scrollRows(top: rows.lowerBound, bottom: rows.upperBound, by: down, blank: blank)
        } else {
            g.scrollRect(rows: rows, cols: cols, down: down, right: right, blank: blank)
        }
        markDirty(rows)
    }

    func move(_ dest: VTermRect, from src: VTermRect) {
        let (rows, cols) = clip(dest)
        let (srcRows, srcCols) = clip(src)
        let height = min(rows.count, srcRows.count), width = min(cols.count, srcCols.count)
        grid.copyRect(dest: (rows.lowerBound, cols.lowerBound), src: (srcRows.lowerBound, srcCols.lowerBound),
                      height: height, width: width)
        markDirty(rows)
    }

    // MARK: Properties

    func setProperty(_ prop: VTermProp, _ value: Int) -> Bool {
        switch prop {
        case VTERM_PROP_CURSORVISIBLE:
            live.pointee.cursor.visible = value != 0
        case VTERM_PROP_CURSORBLINK:
            live.pointee.cursor.blinking = value != 0
        case VTERM_PROP_CURSORSHAPE:
            switch value {
            case Int(VTERM_PROP_CURSORSHAPE_UNDERLINE): live.pointee.cursor.shape = .underline
            case Int(VTERM_PROP_CURSORSHAPE_BAR_LEFT): live.pointee.cursor.shape = .bar
            default: live.pointee.cursor.shape = .block
            }
        case VTERM_PROP_ALTSCREEN:
            // libvterm erases the alternate screen itself after this returns.
            grid = value != 0 ? alternate : primary
            live.pointee.screen = grid.storage
            markDirty(0..<grid.rows)
        case VTERM_PROP_REVERSE:
            reverseVideo = value != 0
            markDirty(0..<grid.rows)
        case VTERM_PROP_MOUSE:
            switch value {
            case Int(VTERM_PROP_MOUSE_CLICK): mouse = .click
            case Int(VTERM_PROP_MOUSE_DRAG): mouse = .drag
            case Int(VTERM_PROP_MOUSE_MOVE): mouse = .motion
            default: mouse = .off
            }
        default:
            break
        }
        return true
    }

    // MARK: Resize

    /// Resizes both screens; returns how many rows the content (and so the
    /// cursor) moved down. Follows libvterm's screen: shrinking pushes lines
    /// above the cursor into scrollback, growing pulls them back, no reflow.
    func resizeScreens(rows newRows: Int, cols newCols: Int) -> Int {
        let oldRows = primary.rows
        let onPrimary = grid === primary
        var delta = 0
        if newRows < oldRows {
            // Keep the cursor's row (or, behind the alternate screen, the last
            // written row) on screen by pushing lines off the top.
            var last = oldRows - 1
            let cursorRow = live.pointee.cursor.row
            while last >= newRows, primary.isBlank(row: last), !(onPrimary && last == cursorRow) {
                last -= 1
            }
            var excess = last + 1 - newRows
            // Never push the cursor's own row off the top (libvterm would
            // then put the cursor above row 0); rows below it are cut instead.
            if onPrimary { excess = min(excess, cursorRow) }
            if excess > 0 {
                for r in 0..<excess { scrollback.pointee.push(primary.row(r), count: primary.extent(ofRow: r)) }
                primary.scrollRows(top: 0, bottom: oldRows, by: excess, blank: .blank())
                if onPrimary { delta -= excess }
            }
        }
        primary.resize(rows: newRows, cols: newCols)
        alternate.resize(rows: newRows, cols: newCols)
        if newRows > oldRows, onPrimary {
            let pulled = min(newRows - oldRows, scrollback.pointee.count)
            if pulled > 0 {
                primary.scrollRows(top: 0, bottom: newRows, by: -pulled, blank: .blank())
                for r in stride(from: pulled - 1, through: 0, by: -1) {
                    guard let line = scrollback.pointee.popNewest() else { break }
                    line.withUnsafeBufferPointer { primary.setRow(r, from: $0) }
                }
                delta += pulled
            }
        }
        live.pointee.damageAll(rows: newRows)
        return delta
    }
}
