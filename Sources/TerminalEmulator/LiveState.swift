/// What libvterm's callbacks touch on nearly every byte: the pen, the cursor,
/// the screen being drawn on and the damage flags. The terminal keeps it
/// behind a pointer held in a `let`, so these writes skip Swift's run-time
/// exclusivity checks (which cost more than the writes themselves).
struct LiveState {
    var pen = Pen()
    var cursor = TerminalCursor()
    /// Width of the glyph libvterm placed last (what its REP repeats).
    var lastGlyphWidth = 0
    /// Storage of the screen being shown (primary or alternate).
    var screen: UnsafeMutablePointer<ScreenGrid.Storage>
    /// One flag per row of the live screen: changed since `takeDamage()`.
    var dirty: UnsafeMutablePointer<Bool>
    var dirtyCount: Int
    /// Every row is marked in `dirty` (until `takeDamage`): a flood of
    /// scrolled lines need not mark them again for each line.
    var allDirty = true

    init(screen: UnsafeMutablePointer<ScreenGrid.Storage>, rows: Int) {
        self.screen = screen
        dirty = .allocate(capacity: rows)
        dirty.initialize(repeating: true, count: rows)
        dirtyCount = rows
    }

    /// Marks every row of a screen `rows` tall as changed (after a resize too).
    mutating func damageAll(rows: Int) {
        if rows != dirtyCount {
            dirty.deallocate()
            dirty = .allocate(capacity: rows)
            dirtyCount = rows
        }
        dirty.initialize(repeating: true, count: rows)
        allDirty = true
    }

    func release() {
        dirty.deallocate()
    }
}
