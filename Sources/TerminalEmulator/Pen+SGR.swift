/// SGR as libvterm applies it, for the fast path: the pen changes the same
/// way as through libvterm's `setpenattr` callbacks (plus faint, SGR 2).
extension Pen {
    /// What SGRs applied by the fast path did to libvterm's idea of the pen,
    /// so that exactly that can be said to it afterwards (it keeps a font and
    /// underline styles we do not, which a blanket reset would lose).
    struct Changes {
        /// A reset (SGR 0) happened: libvterm needs one too.
        var reset = false
        /// `Field` bits set since.
        var touched: UInt8 = 0

        enum Field: UInt8 {
            case bold = 1, italic = 2, underline = 4, blink = 8, reverse = 16, strike = 32, fg = 64, bg = 128
        }

        @inline(__always)
        mutating func touch(_ field: Field) { touched |= field.rawValue }

        var isEmpty: Bool { !reset && touched == 0 }
    }

    /// Applies SGR parameters (-1 = missing) in order, noting in `changes`
    /// what libvterm would have changed; false, leaving both as they were,
    /// for anything the fast path leaves to libvterm (fonts, double
    /// underline, malformed or out-of-range colours).
    mutating func applySGR(_ params: CSIParameters, changes: inout Changes) -> Bool {
        var pen = self
        var noted = changes
        var i = 0
        let count = params.count
        while i < count {
            let value = params[i]
            switch value {
            case -1, 0:
                pen = Pen()
                noted = Changes(reset: true, touched: 0)
            case 1: pen.set(.bold, true); noted.touch(.bold)
            case 2: pen.set(.dim, true)
            case 3: pen.set(.italic, true); noted.touch(.italic)
            case 4: pen.set(.underline, true); noted.touch(.underline)
            case 5: pen.set(.blink, true); noted.touch(.blink)
            case 7: pen.set(.reverse, true); noted.touch(.reverse)
            case 9: pen.set(.strike, true); noted.touch(.strike)
            case 22:
                pen.set(.bold, false)
                pen.set(.dim, false)
                noted.touch(.bold)
            case 23: pen.set(.italic, false); noted.touch(.italic)
            case 24: pen.set(.underline, false); noted.touch(.underline)
            case 25: pen.set(.blink, false); noted.touch(.blink)
            case 27: pen.set(.reverse, false); noted.touch(.reverse)
            case 29: pen.set(.strike, false); noted.touch(.strike)
            case 30...37: pen.fg = TerminalColor.indexed(UInt8(value - 30)).packed; noted.touch(.fg)
            case 39: pen.fg = TerminalColor.packedDefault; noted.touch(.fg)
            case 40...47: pen.bg = TerminalColor.indexed(UInt8(value - 40)).packed; noted.touch(.bg)
            case 49: pen.bg = TerminalColor.packedDefault; noted.touch(.bg)
            case 90...97: pen.fg = TerminalColor.indexed(UInt8(value - 90 + 8)).packed; noted.touch(.fg)
            case 100...107: pen.bg = TerminalColor.indexed(UInt8(value - 100 + 8)).packed; noted.touch(.bg)
            case 38, 48:
                guard let (color, used) = Pen.extendedColor(params, from: i + 1) else { return false }
                if value == 38 { pen.fg = color; noted.touch(.fg) } else { pen.bg = color; noted.touch(.bg) }
                i += used
            case 10...19, 21:
                return false   // font, double underline: libvterm keeps what our pen cannot say back
            default:
                break          // libvterm ignores it as well
            }
            i += 1
        }
        self = pen
        changes = noted
        return true
    }

    /// `5;n` or `2;r;g;b` at `i`, each value 0–255: the packed colour and
    /// how many parameters it took.
    private static func extendedColor(_ params: CSIParameters, from i: Int) -> (UInt32, Int)? {
        guard i < params.count else { return nil }
        func byte(_ k: Int) -> UInt8? {
            k < params.count && params[k] >= 0 && params[k] <= 255 ? UInt8(params[k]) : nil
        }
        switch params[i] {
        case 5:
            guard let n = byte(i + 1) else { return nil }
            return (TerminalColor.indexed(n).packed, 2)
        case 2:
            guard let r = byte(i + 1), let g = byte(i + 2), let b = byte(i + 3) else { return nil }
            return (TerminalColor.rgb(r, g, b).packed, 4)
        default:
            return nil
        }
    }

    /// SGR sequences that make libvterm's pen what `changes` did to it,
    /// given that this is the pen now (two sequences: libvterm 0.1 takes at
    /// most 16 parameters in one). Faint is ours alone.
    func sgrSequences(for changes: Changes) -> [UInt8] {
        guard !changes.isEmpty else { return [] }
        // After a reset every field libvterm holds is at its default, so
        // only the ones that are not need saying.
        func said(_ field: Changes.Field, _ isSet: Bool) -> Bool {
            changes.reset ? isSet : changes.touched & field.rawValue != 0
        }
        var codes: [String] = changes.reset ? ["0"] : []
        let flags: [(Changes.Field, CellAttributes, String, String)] = [
            (.bold, .bold, "1", "22"), (.italic, .italic, "3", "23"), (.underline, .underline, "4", "24"),
            (.blink, .blink, "5", "25"), (.reverse, .reverse, "7", "27"), (.strike, .strike, "9", "29")]
        for (field, flag, on, off) in flags {
            let isSet = attrs & flag.rawValue != 0
            if said(field, isSet) { codes.append(isSet ? on : off) }
        }
        var colours: [String] = []
        if said(.fg, fg != TerminalColor.packedDefault) { colours.append(Pen.sgrColor(fg, base: 38)) }
        if said(.bg, bg != TerminalColor.packedDefault) { colours.append(Pen.sgrColor(bg, base: 48)) }
        var out = ""
        if !codes.isEmpty { out += "\u{1B}[" + codes.joined(separator: ";") + "m" }
        if !colours.isEmpty { out += "\u{1B}[" + colours.joined(separator: ";") + "m" }
        return Array(out.utf8)
    }

    private static func sgrColor(_ packed: UInt32, base: Int) -> String {
        switch TerminalColor(packed: packed) {
        case .default: return "\(base + 1)"
        case .indexed(let n): return "\(base);5;\(n)"
        case .rgb(let r, let g, let b): return "\(base);2;\(r);\(g);\(b)"
        }
    }
}
