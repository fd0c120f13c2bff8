/// A cell as kept in the screen grid and the scrollback: 16 plain bytes, so
/// rows are copied and cleared as memory.
struct StoredCell: Equatable {
    /// A Unicode scalar; `0` for an erased cell; `continuation` for the right
    /// half of a wide character; `clusterFlag | n` for cluster `n` of the
    /// `ClusterTable` (a base character with combining marks).
    var char: UInt32
    /// Packed `TerminalColor`s (see `TerminalColor.packed`).
    var fg: UInt32
    var bg: UInt32
    /// `CellAttributes` bits, plus `CellAttributes.protectedBit`.
    var attrs: UInt8
    /// 1 or 2 as libvterm placed the glyph; 0 on a continuation cell.
    var width: UInt8

    static let continuation: UInt32 = 0xFFFF_FFFF
    static let clusterFlag: UInt32 = 0x8000_0000

    /// An erased cell: no character, the pen's colours, no attributes
    /// (what libvterm's own screen does on erase: background colour erase).
    @inline(__always)
    static func blank(fg: UInt32 = 0, bg: UInt32 = 0) -> StoredCell {
        StoredCell(char: 0, fg: fg, bg: bg, attrs: 0, width: 1)
    }

    /// Blank in default colours: may be dropped from the end of a scrollback line.
    var isPlainBlank: Bool { char == 0 && bg == 0 && attrs & CellAttributes.visibleMask == 0 }
}
