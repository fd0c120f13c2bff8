/// Lines pushed off the top of the primary screen, oldest first, at most `limit`.
///
/// All cells live in one arena used as a ring: a line is stored contiguously
/// after the previous one (wrapping to the start when it does not fit at the
/// end), and a ring of (start, length) records finds it. Steady output
/// allocates nothing; when a line does not fit the arena doubles and is
/// compacted, so memory stays within about twice what the lines hold.
/// Trailing blank cells are not stored; a line keeps the width it had.
struct ScrollbackRing {
    private(set) var limit: Int
    private(set) var count = 0
    /// Lines ever pushed, less those popped back: the newest line's number
    /// plus one, counted on when old lines drop out or are erased, so a
    /// number keeps naming the same line (`Terminal.linesScrolledOff`).
    private(set) var pushed = 0

    private var cells: UnsafeMutablePointer<StoredCell>?
    private var capacity = 0
    /// Arena offset where the next line goes.
    private var head = 0
    /// Cells held by the lines.
    private var used = 0

    private var starts: UnsafeMutablePointer<Int>?
    private var lengths: UnsafeMutablePointer<Int>?
    private var recordCapacity = 0
    /// Record of the oldest line.
    private var first = 0

    init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// Frees the arena; the ring is empty afterwards.
    mutating func release() {
        cells?.deallocate()
        starts?.deallocate()
        lengths?.deallocate()
        cells = nil
        starts = nil
        lengths = nil
        capacity = 0
        recordCapacity = 0
        head = 0
        first = 0
        count = 0
        used = 0
    }

    /// Appends a line (the oldest drops out past `limit`).
    mutating func push(_ line: UnsafePointer<StoredCell>, count width: Int) {
        pushed += 1
        guard limit > 0 else { return }
        var n = width
        while n > 0 && line[n - 1].isPlainBlank { n -= 1 }
        if count == limit {
            used -= lengths![first]
            first = wrapped(first + 1)
            count -= 1
        }
        if count == recordCapacity { relayout(records: min(limit, max(64, recordCapacity * 2)), cells: capacity) }
        // An empty line takes no room; its start just keeps the order.
        let at = n > 0 ? place(n) : head
        if n > 0 { (cells! + at).update(from: line, count: n) }
        let record = wrapped(first + count)
        starts![record] = at
        lengths![record] = n
        head = at + n
        used += n
        count += 1
    }

    /// A record number taken back into `0..<recordCapacity` (one lap at most):
    /// a division per pushed line showed in profiles.
    @inline(__always)
    private func wrapped(_ record: Int) -> Int {
        record >= recordCapacity ? record - recordCapacity : record
    }

    /// Line `index`, 0 being the most recently pushed; valid until the next change.
    func line(_ index: Int) -> UnsafeBufferPointer<StoredCell> {
        precondition(index >= 0 && index < count, "scrollback index \(index) out of 0..<\(count)")
        let record = (first + count - 1 - index) % recordCapacity
        return UnsafeBufferPointer(start: cells.map { $0 + starts![record] }, count: lengths![record])
    }

    /// Removes and returns the most recently pushed line (for a screen growing taller).
    mutating func popNewest() -> [StoredCell]? {
        guard count > 0 else { return nil }
        let newest = Array(line(0))
        let record = (first + count - 1) % recordCapacity
        head = starts![record]
        used -= lengths![record]
        count -= 1
        pushed -= 1
        return newest
    }

    /// Drops every line and the memory they used.
    mutating func removeAll() {
        release()
    }

    /// Changes the limit, keeping the newest lines.
    mutating func setLimit(_ newLimit: Int) {
        let newLimit = max(0, newLimit)
        while count > newLimit {
            used -= lengths![first]
            first = (first + 1) % recordCapacity
            count -= 1
        }
        limit = newLimit
        if count == 0 {
            release()
        } else {
            relayout(records: min(limit, max(64, count)), cells: capacity)
        }
    }

    // MARK: Arena

    /// Where `n` (> 0) cells can go, growing the arena if they do not fit.
    /// Lines sit in ring order from the oldest one's start round to `head`.
    private mutating func place(_ n: Int) -> Int {
        while true {
            if used == 0 {
                if n <= capacity { return head + n <= capacity ? head : 0 }
            } else {
                let tail = starts![first]
                if head > tail {
                    // Lines occupy [tail, head): room at the end, else before tail.
                    if head + n <= capacity { return head }
                    if n <= tail { return 0 }
                } else if head + n <= tail {
                    // Lines wrap past the end: room is [head, tail).
                    return head
                }
            }
            relayout(records: recordCapacity, cells: max(4096, capacity * 2, (used + n) * 2))
        }
    }

    /// Copies the lines, oldest first, into fresh storage of the given sizes.
    private mutating func relayout(records newRecords: Int, cells newCapacity: Int) {
        let newCells = UnsafeMutablePointer<StoredCell>.allocate(capacity: max(newCapacity, 1))
        let newStarts = UnsafeMutablePointer<Int>.allocate(capacity: max(newRecords, 1))
        let newLengths = UnsafeMutablePointer<Int>.allocate(capacity: max(newRecords, 1))
        var offset = 0
        for i in 0..<count {
            let record = (first + i) % recordCapacity
            let length = lengths![record]
            if length > 0 { (newCells + offset).initialize(from: cells! + starts![record], count: length) }
            newStarts[i] = offset
            newLengths[i] = length
            offset += length
        }
        let keptCount = count
        release()
        cells = newCells
        capacity = max(newCapacity, 1)
        starts = newStarts
        lengths = newLengths
        recordCapacity = max(newRecords, 1)
        count = keptCount
        used = offset
        head = offset
        first = 0
    }
}
