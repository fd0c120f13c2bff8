import CVTerm

/// The rendition new glyphs and erases get: libvterm reports it through
/// `setpenattr`; faint comes from our own scan of SGR (libvterm lacks it).
struct Pen {
    var fg: UInt32 = TerminalColor.packedDefault
    var bg: UInt32 = TerminalColor.packedDefault
    var attrs: UInt8 = 0

    @inline(__always)
    mutating func set(_ flag: CellAttributes, _ on: Bool) {
        if on { attrs |= flag.rawValue } else { attrs &= ~flag.rawValue }
    }

    /// Applies one libvterm pen attribute.
    mutating func apply(_ attr: VTermAttr, _ value: UnsafePointer<VTermValue>) {
        switch attr {
        case VTERM_ATTR_BOLD:
            set(.bold, value.pointee.boolean != 0)
            // libvterm reports "bold off" for SGR 0, SGR 22 and every reset,
            // which are exactly the moments faint ends too.
            if value.pointee.boolean == 0 { set(.dim, false) }
        case VTERM_ATTR_UNDERLINE: set(.underline, value.pointee.number != 0)
        case VTERM_ATTR_ITALIC: set(.italic, value.pointee.boolean != 0)
        case VTERM_ATTR_BLINK: set(.blink, value.pointee.boolean != 0)
        case VTERM_ATTR_REVERSE: set(.reverse, value.pointee.boolean != 0)
        case VTERM_ATTR_STRIKE: set(.strike, value.pointee.boolean != 0)
        case VTERM_ATTR_FOREGROUND: fg = Pen.pack(value.pointee.color)
        case VTERM_ATTR_BACKGROUND: bg = Pen.pack(value.pointee.color)
        default: break
        }
    }

    /// libvterm's tagged colour to our packed form.
    static func pack(_ color: VTermColor) -> UInt32 {
        let type = UInt32(color.type)
        if type & UInt32(VTERM_COLOR_DEFAULT_MASK.rawValue) != 0 {
            return TerminalColor.packedDefault
        }
        if type & UInt32(VTERM_COLOR_TYPE_MASK.rawValue) == UInt32(VTERM_COLOR_INDEXED.rawValue) {
            return TerminalColor.indexed(color.indexed.idx).packed
        }
        return TerminalColor.rgb(color.rgb.red, color.rgb.green, color.rgb.blue).packed
    }
}
