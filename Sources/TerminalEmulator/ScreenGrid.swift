/// The cells of one screen (primary or alternate), `rows × cols`.
///
/// Rows are reached through a row map, so scrolling a full-width region only
/// rotates row numbers and clears the rows that come in: O(rows + cols) per
/// scrolled line instead of moving the whole screen (libvterm's own screen
/// layer does the latter, which made `seq` output slower than the pty).
///
/// Each row also keeps its extent: every cell at or right of it is all zero
/// bytes (erased, default colours), so a line going to scrollback is trimmed,
/// and a row is cleared, without touching 80 empty cells. It is an upper
/// bound, raised by every write.
///
/// The storage sits behind a pointer held in a `let`: glyphs arrive one
/// callback at a time, and Swift's run-time exclusivity checks on class `var`s
/// cost more than the writes themselves.
final class ScreenGrid {
    struct Storage {
        var rows: Int
        var cols: Int
        /// rows × cols cells; storage slot `s` starts at `cells + s * cols`.
        var cells: UnsafeMutablePointer<StoredCell>
        /// Screen row → storage slot: `rows` entries from here, inside
        /// `slotBuffer`, which has room for `rows` more after them so that
        /// scrolling the whole screen up a line moves this pointer instead
        /// of the entries (see `rotateUp`).
        var slots: UnsafeMutablePointer<Int>
        var slotBuffer: UnsafeMutablePointer<Int>
        /// Per storage slot: columns at and after this one are plain blanks.
        var extents: UnsafeMutablePointer<Int>

        @inline(__always)
        func row(_ row: Int) -> UnsafeMutablePointer<StoredCell> {
            cells + slots[row] &* cols
        }

        @inline(__always)
        func extent(ofRow row: Int) -> Int { extents[slots[row]] }

        /// Records that `row` may hold something before column `end`.
        @inline(__always)
        func raiseExtent(ofRow row: Int, to end: Int) {
            let slot = slots[row]
            if extents[slot] < end { extents[slot] = end }
        }

        func setExtent(ofRow row: Int, to end: Int) { extents[slots[row]] = end }

        /// Moves the slot numbers of the whole screen up one row; returns the
        /// slot that left the top, now the bottom row's.
        @inline(__always)
        mutating func rotateUp() -> Int {
            let leaving = slots[0]
            if slots + rows == slotBuffer + 2 &* rows {
                // Out of room ahead: back to the start of the buffer (once per `rows` lines).
                slotBuffer.update(from: slots + 1, count: rows - 1)
                slots = slotBuffer
            } else {
                slots += 1
            }
            slots[rows - 1] = leaving
            return leaving
        }

        static func makeSlots(rows: Int) -> UnsafeMutablePointer<Int> {
            let buffer = UnsafeMutablePointer<Int>.allocate(capacity: 2 * rows)
            for r in 0..<(2 * rows) { buffer[r] = r % rows }
            return buffer
        }
    }

    let storage: UnsafeMutablePointer<Storage>

    init(rows: Int, cols: Int) {
        let cells = UnsafeMutablePointer<StoredCell>.allocate(capacity: rows * cols)
        StoredCell.fill(cells, count: rows * cols, with: .blank())
        let slots = Storage.makeSlots(rows: rows)
        let extents = UnsafeMutablePointer<Int>.allocate(capacity: rows)
        extents.initialize(repeating: 0, count: rows)
        storage = .allocate(capacity: 1)
        storage.initialize(to: Storage(rows: rows, cols: cols, cells: cells, slots: slots, slotBuffer: slots,
                                       extents: extents))
    }

    deinit {
        storage.pointee.cells.deallocate()
        storage.pointee.slotBuffer.deallocate()
        storage.pointee.extents.deallocate()
        storage.deallocate()
    }

    var rows: Int { storage.pointee.rows }
    var cols: Int { storage.pointee.cols }

    /// The cells of screen row `row` (0 ≤ row < rows).
    @inline(__always)
    func row(_ row: Int) -> UnsafeMutablePointer<StoredCell> {
        storage.pointee.row(row)
    }

    /// Fills `cols` of `row` with `cell`.
    func fill(row: Int, cols range: Range<Int>, with cell: StoredCell) {
        guard !range.isEmpty else { return }
        let s = storage.pointee
        let extent = s.extent(ofRow: row)
        if !cell.isZero {
            StoredCell.fill(self.row(row) + range.lowerBound, count: range.count, with: cell)
            s.raiseExtent(ofRow: row, to: range.upperBound)
        } else if range.upperBound >= extent {
            // Past the extent the cells are zero already.
            StoredCell.fill(self.row(row) + range.lowerBound, count: max(0, extent - range.lowerBound), with: cell)
            s.setExtent(ofRow: row, to: min(range.lowerBound, extent))
        } else {
            StoredCell.fill(self.row(row) + range.lowerBound, count: range.count, with: cell)
        }
    }

    /// Columns of `row` that may hold something; the rest are zero cells.
    func extent(ofRow row: Int) -> Int { storage.pointee.extent(ofRow: row) }

    /// Moves full-width rows `top..<bottom` up by `count` (down if negative);
    /// the rows that come in are filled with `blank`.
    func scrollRows(top: Int, bottom: Int, by count: Int, blank: StoredCell) {
        let height = bottom - top
        guard height > 0, count != 0 else { return }
        let n = min(abs(count), height)
        if n == 1, count > 0, top == 0, bottom == rows {
            // The common case (one line of output): no entries move.
            _ = storage.pointee.rotateUp()
            fill(row: bottom - 1, cols: 0..<cols, with: blank)
            return
        }
        let slots = storage.pointee.slots
        if n < height {
            // Rotate the slot numbers of the region by n.
            if n == 1 {
                // The common case (one line of output): no scratch memory.
                if count > 0 {
                    let first = slots[top]
                    (slots + top).update(from: slots + top + 1, count: height - 1)
                    slots[bottom - 1] = first
                } else {
                    let last = slots[bottom - 1]
                    (slots + top + 1).update(from: slots + top, count: height - 1)
                    slots[top] = last
                }
            } else {
                let saved = UnsafeMutablePointer<Int>.allocate(capacity: n)
                defer { saved.deallocate() }
                if count > 0 {
                    saved.update(from: slots + top, count: n)
                    (slots + top).update(from: slots + top + n, count: height - n)
                    (slots + bottom - n).update(from: saved, count: n)
                } else {
                    saved.update(from: slots + bottom - n, count: n)
                    (slots + top + n).update(from: slots + top, count: height - n)
                    (slots + top).update(from: saved, count: n)
                }
            }
        }
        let incoming = count > 0 ? (bottom - n)..<bottom : top..<(top + n)
        let cols = storage.pointee.cols
        for r in incoming { fill(row: r, cols: 0..<cols, with: blank) }
    }

    /// Moves the cells of a block by (down, right) as libvterm's scrollrect
    /// means it (positive = content moves up / left); vacated cells get `blank`.
    func scrollRect(rows rowRange: Range<Int>, cols colRange: Range<Int>,
                    down: Int, right: Int, blank: StoredCell) {
        let height = rowRange.count, width = colRange.count
        guard height > 0, width > 0 else { return }
        if abs(down) >= height || abs(right) >= width {
            for r in rowRange { fill(row: r, cols: colRange, with: blank) }
            return
        }
        copyRect(dest: (rowRange.lowerBound - min(down, 0), colRange.lowerBound - min(right, 0)),
                 src: (rowRange.lowerBound + max(down, 0), colRange.lowerBound + max(right, 0)),
                 height: height - abs(down), width: width - abs(right))
        if down > 0 {
            for r in (rowRange.upperBound - down)..<rowRange.upperBound { fill(row: r, cols: colRange, with: blank) }
        } else if down < 0 {
            for r in rowRange.lowerBound..<(rowRange.lowerBound - down) { fill(row: r, cols: colRange, with: blank) }
        }
        if right > 0 {
            for r in rowRange { fill(row: r, cols: (colRange.upperBound - right)..<colRange.upperBound, with: blank) }
        } else if right < 0 {
            for r in rowRange { fill(row: r, cols: colRange.lowerBound..<(colRange.lowerBound - right), with: blank) }
        }
    }

    /// Copies a height × width block; overlapping blocks are handled.
    func copyRect(dest: (row: Int, col: Int), src: (row: Int, col: Int), height: Int, width: Int) {
        guard height > 0, width > 0 else { return }
        // What lands in each destination row is blank beyond the source's extent.
        let s = storage.pointee
        func copyRow(_ i: Int) {
            let contentEnd = dest.col + max(0, min(width, s.extent(ofRow: src.row + i) - src.col))
            (row(dest.row + i) + dest.col).update(from: row(src.row + i) + src.col, count: width)
            s.raiseExtent(ofRow: dest.row + i, to: contentEnd)
        }
        // Walk rows away from the overlap; within a row `update` is memmove.
        if dest.row > src.row {
            for i in stride(from: height - 1, through: 0, by: -1) { copyRow(i) }
        } else {
            for i in 0..<height { copyRow(i) }
        }
    }

    /// Reallocates to the new size, keeping the top-left cells (no reflow).
    func resize(rows newRows: Int, cols newCols: Int, blank: StoredCell = .blank()) {
        let old = storage.pointee
        let cells = UnsafeMutablePointer<StoredCell>.allocate(capacity: newRows * newCols)
        StoredCell.fill(cells, count: newRows * newCols, with: blank)
        let keepCols = min(old.cols, newCols)
        let extents = UnsafeMutablePointer<Int>.allocate(capacity: newRows)
        extents.initialize(repeating: blank.isZero ? 0 : newCols, count: newRows)
        for r in 0..<min(old.rows, newRows) {
            (cells + r * newCols).update(from: old.row(r), count: keepCols)
            extents[r] = max(extents[r], min(old.extent(ofRow: r), newCols))
        }
        let slots = Storage.makeSlots(rows: newRows)
        old.cells.deallocate()
        old.slotBuffer.deallocate()
        old.extents.deallocate()
        storage.pointee = Storage(rows: newRows, cols: newCols, cells: cells, slots: slots, slotBuffer: slots,
                                  extents: extents)
    }

    /// Writes `line` (any length) into `row`, padding with blanks.
    func setRow(_ r: Int, from line: UnsafeBufferPointer<StoredCell>) {
        let n = min(line.count, cols)
        if let base = line.baseAddress, n > 0 { row(r).update(from: base, count: n) }
        fill(row: r, cols: n..<cols, with: .blank())
        storage.pointee.setExtent(ofRow: r, to: n)
    }

    /// True when every cell of `row` is an erased cell in default colours.
    func isBlank(row r: Int) -> Bool {
        let p = row(r)
        for c in 0..<extent(ofRow: r) where !p[c].isPlainBlank { return false }
        return true
    }
}
