/// Lines pushed off the top of the primary screen, newest last, at most `limit`.
///
/// A ring of line buffers: once full, the oldest line's buffer is reused for the
/// newest, so steady output allocates nothing. Trailing blank cells are not
/// stored; a line keeps the width it had when it was pushed.
struct ScrollbackRing {
    private(set) var limit: Int
    private var slots: [ContiguousArray<StoredCell>] = []
    /// Slot of the oldest line. Nonzero only when every slot is in use.
    private var start = 0
    private(set) var count = 0

    init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// Appends a line (oldest lines drop out past `limit`).
    mutating func push(_ cells: UnsafePointer<StoredCell>, count width: Int) {
        guard limit > 0 else { return }
        var n = width
        while n > 0 && cells[n - 1].isPlainBlank { n -= 1 }
        let line = UnsafeBufferPointer(start: cells, count: n)
        if count < limit {
            let slot = (start + count) % max(slots.count, 1)
            if count == slots.count {
                slots.append(ContiguousArray(line))
            } else {
                slots[slot].removeAll(keepingCapacity: true)
                slots[slot].append(contentsOf: line)
            }
            count += 1
        } else {
            // Full: overwrite the oldest.
            slots[start].removeAll(keepingCapacity: true)
            slots[start].append(contentsOf: line)
            start = (start + 1) % slots.count
        }
    }

    /// Line `index`, 0 being the most recently pushed.
    func line(_ index: Int) -> ContiguousArray<StoredCell> {
        precondition(index >= 0 && index < count, "scrollback index \(index) out of 0..<\(count)")
        return slots[(start + count - 1 - index) % slots.count]
    }

    /// Removes and returns the most recently pushed line (for a screen growing taller).
    mutating func popNewest() -> ContiguousArray<StoredCell>? {
        guard count > 0 else { return nil }
        let l = line(0)
        count -= 1
        return l
    }

    /// Drops every line.
    mutating func removeAll() {
        slots.removeAll()
        start = 0
        count = 0
    }

    /// Changes the limit, keeping the newest lines.
    mutating func setLimit(_ newLimit: Int) {
        let newLimit = max(0, newLimit)
        let keep = min(count, newLimit)
        var lines: [ContiguousArray<StoredCell>] = []
        lines.reserveCapacity(keep)
        for i in stride(from: keep - 1, through: 0, by: -1) { lines.append(line(i)) }
        slots = lines
        start = 0
        count = keep
        limit = newLimit
    }
}
