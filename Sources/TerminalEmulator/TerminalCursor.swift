/// Where the cursor is and how the program wants it shown.
public struct TerminalCursor: Hashable, Sendable {
    /// Zero-based row on the live screen.
    public var row: Int
    /// Zero-based column; at most `cols - 1` (a pending wrap stays on the last column).
    public var col: Int
    /// False after DECTCEM reset (`ESC [ ? 25 l`).
    public var visible: Bool
    /// Block, underline or bar (DECSCUSR).
    public var shape: CursorShape
    /// Whether the program asked for a blinking cursor.
    public var blinking: Bool

    /// A cursor at (row, col).
    public init(row: Int = 0, col: Int = 0, visible: Bool = true,
                shape: CursorShape = .block, blinking: Bool = true) {
        self.row = row
        self.col = col
        self.visible = visible
        self.shape = shape
        self.blinking = blinking
    }
}
