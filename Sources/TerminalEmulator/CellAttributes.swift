/// Rendition flags of a cell (SGR 1, 2, 3, 4, 5, 7, 9 and their resets).
public struct CellAttributes: OptionSet, Hashable, Sendable {
    /// The flag bits (bit 7 is never set in cells handed out).
    public let rawValue: UInt8
    /// Attributes from their bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// SGR 1.
    public static let bold = CellAttributes(rawValue: 1 << 0)
    /// SGR 2 (faint). libvterm has no faint attribute; the terminal tracks it itself.
    public static let dim = CellAttributes(rawValue: 1 << 1)
    /// SGR 3.
    public static let italic = CellAttributes(rawValue: 1 << 2)
    /// SGR 4 (any underline style: single, double, curly).
    public static let underline = CellAttributes(rawValue: 1 << 3)
    /// SGR 5.
    public static let blink = CellAttributes(rawValue: 1 << 4)
    /// SGR 7, or the whole screen in reverse video (DECSCNM).
    public static let reverse = CellAttributes(rawValue: 1 << 5)
    /// SGR 9.
    public static let strike = CellAttributes(rawValue: 1 << 6)

    // Bit 7 is used internally for DECSCA-protected cells and never shown.
    static let visibleMask: UInt8 = 0x7F
    static let protectedBit: UInt8 = 0x80
}
