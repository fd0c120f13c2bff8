/// The cells of one screen (primary or alternate), `rows × cols`.
///
/// Rows are reached through a row map, so scrolling a full-width region only
/// rotates row numbers and clears the rows that come in: O(rows + cols) per
/// scrolled line instead of moving the whole screen (libvterm's own screen
/// layer does the latter, which made `seq` output slower than the pty).
final class ScreenGrid {
    private(set) var rows: Int
    private(set) var cols: Int
    /// rows × cols cells; row storage slot `s` starts at `cells + s * cols`.
    private var cells: UnsafeMutablePointer<StoredCell>
    /// Screen row → storage slot.
    private var slots: UnsafeMutablePointer<Int>

    init(rows: Int, cols: Int) {
        self.rows = rows
        self.cols = cols
        cells = .allocate(capacity: rows * cols)
        cells.initialize(repeating: .blank(), count: rows * cols)
        slots = .allocate(capacity: rows)
        for r in 0..<rows { slots[r] = r }
    }

    deinit {
        cells.deallocate()
        slots.deallocate()
    }

    /// The cells of screen row `row` (0 ≤ row < rows).
    @inline(__always)
    func row(_ row: Int) -> UnsafeMutablePointer<StoredCell> {
        cells + slots[row] &* cols
    }

    /// Fills `cols` of `row` with `cell`.
    func fill(row: Int, cols range: Range<Int>, with cell: StoredCell) {
        guard !range.isEmpty else { return }
        (self.row(row) + range.lowerBound).update(repeating: cell, count: range.count)
    }

    /// Fills every cell with `cell`.
    func fillAll(with cell: StoredCell) {
        cells.update(repeating: cell, count: rows * cols)
    }

    /// Moves full-width rows `top..<bottom` up by `count` (down if negative);
    /// the rows that come in are filled with `blank`. `leaving` sees each row
    /// that goes out at the top, oldest first, before it is reused.
    func scrollRows(top: Int, bottom: Int, by count: Int, blank: StoredCell,
                    leaving: ((UnsafeMutablePointer<StoredCell>) -> Void)? = nil) {
        let height = bottom - top
        guard height > 0, count != 0 else { return }
        let n = min(abs(count), height)
        if count > 0, let leaving {
            for r in top..<(top + n) { leaving(row(r)) }
        }
        if n < height {
            // Rotate the slot numbers of the region by n.
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
        let incoming = count > 0 ? (bottom - n)..<bottom : top..<(top + n)
        for r in incoming { fill(row: r, cols: 0..<cols, with: blank) }
    }

    /// Moves the cells of `rect` by (down, right) as libvterm's scrollrect
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
        // Walk rows away from the overlap; within a row `update` is memmove.
        let order = dest.row > src.row ? Array((0..<height).reversed()) : Array(0..<height)
        for i in order {
            (row(dest.row + i) + dest.col).update(from: row(src.row + i) + src.col, count: width)
        }
    }

    /// Reallocates to the new size, keeping the top-left cells (no reflow).
    func resize(rows newRows: Int, cols newCols: Int, blank: StoredCell = .blank()) {
        let newCells = UnsafeMutablePointer<StoredCell>.allocate(capacity: newRows * newCols)
        newCells.initialize(repeating: blank, count: newRows * newCols)
        let keepCols = min(cols, newCols)
        for r in 0..<min(rows, newRows) {
            (newCells + r * newCols).update(from: row(r), count: keepCols)
        }
        cells.deallocate()
        slots.deallocate()
        cells = newCells
        slots = .allocate(capacity: newRows)
        for r in 0..<newRows { slots[r] = r }
        rows = newRows
        cols = newCols
    }

    /// Writes `line` (any length) into `row`, padding with blanks.
    func setRow(_ r: Int, from line: UnsafeBufferPointer<StoredCell>) {
        let n = min(line.count, cols)
        if let base = line.baseAddress, n > 0 { row(r).update(from: base, count: n) }
        fill(row: r, cols: n..<cols, with: .blank())
    }

    /// True when every cell of `row` is an erased cell in default colours.
    func isBlank(row r: Int) -> Bool {
        let p = row(r)
        for c in 0..<cols where !p[c].isPlainBlank { return false }
        return true
    }
}
