import TerminalEmulator

/// Maps a colour to the number curses uses for it at a given depth: RGB to the
/// nearest xterm-256 entry unless the terminal has direct colour, anything past
/// what the terminal has to the nearest colour it does have.
enum ColorMapping {
    /// The curses colour number, -1 for the terminal's default.
    static func cursesColor(_ color: TerminalColor, depth: ColorDepth) -> Int32 {
        switch (color, depth) {
        case (.default, _), (_, .none):
            return -1
        case (.indexed(let index), .direct):
            // Direct-colour terminals number colours by RGB value: send the palette's RGB.
            if index < 8 { return Int32(index) }
            let (r, g, b) = rgb(ofIndex: index)
            return Int32(r) << 16 | Int32(g) << 8 | Int32(b)
        case (.indexed(let index), .indexed256):
            return Int32(index)
        case (.indexed(let index), .ansi16):
            if index < 16 { return Int32(index) }
            return Int32(nearest(rgb(ofIndex: index), among: 0..<16))
        case (.indexed(let index), .ansi8):
            if index < 8 { return Int32(index) }
            if index < 16 { return Int32(index - 8) }
            return Int32(nearest(rgb(ofIndex: index), among: 0..<8))
        case (.rgb(let r, let g, let b), .direct):
            return Int32(r) << 16 | Int32(g) << 8 | Int32(b)
        case (.rgb(let r, let g, let b), .indexed256):
            return Int32(nearest256(r, g, b))
        case (.rgb(let r, let g, let b), .ansi16):
            return Int32(nearest((r, g, b), among: 0..<16))
        case (.rgb(let r, let g, let b), .ansi8):
            return Int32(nearest((r, g, b), among: 0..<8))
        }
    }

    /// The 16 ANSI colours as xterm draws them.
    static let ansi: [(UInt8, UInt8, UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]
    static let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]

    /// The RGB value of an xterm-256 palette entry.
    static func rgb(ofIndex index: UInt8) -> (UInt8, UInt8, UInt8) {
        switch index {
        case 0..<16: return ansi[Int(index)]
        case 16..<232:
            let i = Int(index) - 16
            return (cubeLevels[i / 36], cubeLevels[i / 6 % 6], cubeLevels[i % 6])
        default:
            let level = UInt8(8 + 10 * (Int(index) - 232))
            return (level, level, level)
        }
    }

    /// The nearest entry of the 6×6×6 cube or the grey ramp (never 0–15, whose
    /// look the user's terminal theme changes).
    static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        func level(_ v: UInt8) -> Int {
            var best = 0
            for (i, l) in cubeLevels.enumerated() where abs(Int(l) - Int(v)) < abs(Int(cubeLevels[best]) - Int(v)) {
                best = i
            }
            return best
        }
        let cube = UInt8(16 + 36 * level(r) + 6 * level(g) + level(b))
        let average = (Int(r) + Int(g) + Int(b)) / 3
        let greyStep = max(0, min(23, (average - 8 + 5) / 10))
        let grey = UInt8(232 + greyStep)
        return distance(rgb(ofIndex: grey), (r, g, b)) < distance(rgb(ofIndex: cube), (r, g, b)) ? grey : cube
    }

    static func nearest(_ color: (UInt8, UInt8, UInt8), among range: Range<Int>) -> Int {
        range.min { distance(ansi[$0], color) < distance(ansi[$1], color) } ?? 7
    }

    static func distance(_ a: (UInt8, UInt8, UInt8), _ b: (UInt8, UInt8, UInt8)) -> Int {
        // Weighted so greens (to which eyes are most sensitive) count most.
        let dr = Int(a.0) - Int(b.0), dg = Int(a.1) - Int(b.1), db = Int(a.2) - Int(b.2)
        return 3 * dr * dr + 4 * dg * dg + 2 * db * db
    }
}
