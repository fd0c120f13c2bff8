#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A cell as kept in the screen grid and the scrollback: 16 plain bytes, so
/// rows are copied and cleared as memory. A blank cell in default colours is
/// all zero bytes, so clearing a row is a memset.
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
    /// 1 when libvterm placed a two-column glyph here, else 0.
    var wide: UInt8
    private var padding: UInt16 = 0

    init(char: UInt32, fg: UInt32, bg: UInt32, attrs: UInt8, wide: Bool) {
        self.char = char
        self.fg = fg
        self.bg = bg
        self.attrs = attrs
        self.wide = wide ? 1 : 0
    }

    static let continuation: UInt32 = 0xFFFF_FFFF
    static let clusterFlag: UInt32 = 0x8000_0000

    /// An erased cell: no character, the pen's colours, no attributes
    /// (what libvterm's own screen does on erase: background colour erase).
    @inline(__always)
    static func blank(fg: UInt32 = 0, bg: UInt32 = 0) -> StoredCell {
        StoredCell(char: 0, fg: fg, bg: bg, attrs: 0, wide: false)
    }

    /// Blank in default colours: may be dropped from the end of a scrollback line.
    @inline(__always)
    var isPlainBlank: Bool { char == 0 && bg == 0 && attrs & CellAttributes.visibleMask == 0 }

    /// All zero bytes: an erased cell in default colours, what lies beyond a
    /// row's extent.
    @inline(__always)
    var isZero: Bool { char == 0 && fg == 0 && bg == 0 && attrs == 0 && wide == 0 }

    /// Sets `count` cells from `start` to `cell`.
    @inline(__always)
    static func fill(_ start: UnsafeMutablePointer<StoredCell>, count: Int, with cell: StoredCell) {
        guard count > 0 else { return }
        if cell.isZero {
            memset(start, 0, count * MemoryLayout<StoredCell>.stride)
            return
        }
        // Doubling copies: a few memcpy calls instead of a store per field.
        start[0] = cell
        var done = 1
        while done < count {
            let n = min(done, count - done)
            memcpy(start + done, start, n * MemoryLayout<StoredCell>.stride)
            done += n
        }
    }
}
