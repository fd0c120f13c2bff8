/// The colour of a cell's foreground or background, as the program asked for it.
///
/// SGR 30–37/90–97 and `38;5;n` stay `.indexed` (0–15 are the ANSI colours,
/// 16–255 the xterm cube and greys); `38;2;r;g;b` is `.rgb`. Mapping to what the
/// real terminal can show is the console's job.
public enum TerminalColor: Hashable, Sendable {
    /// The terminal's default foreground or background (SGR 39 / 49, or never set).
    case `default`
    /// An entry of the 256-colour palette.
    case indexed(UInt8)
    /// A direct 24-bit colour.
    case rgb(UInt8, UInt8, UInt8)
}

extension TerminalColor {
    // Cells store colours packed in a UInt32 so a row is plain memory:
    // 0 = default, 0x01_0000ii = indexed, 0x02_rrggbb = rgb.
    static let packedDefault: UInt32 = 0
    private static let indexedTag: UInt32 = 0x0100_0000
    private static let rgbTag: UInt32 = 0x0200_0000

    var packed: UInt32 {
        switch self {
        case .default: return Self.packedDefault
        case .indexed(let i): return Self.indexedTag | UInt32(i)
        case .rgb(let r, let g, let b): return Self.rgbTag | UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b)
        }
    }

    init(packed: UInt32) {
        switch packed & 0xFF00_0000 {
        case Self.indexedTag: self = .indexed(UInt8(truncatingIfNeeded: packed))
        case Self.rgbTag:
            self = .rgb(UInt8(truncatingIfNeeded: packed >> 16),
                        UInt8(truncatingIfNeeded: packed >> 8),
                        UInt8(truncatingIfNeeded: packed))
        default: self = .default
        }
    }
}
