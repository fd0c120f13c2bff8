/// How many colours the outer terminal can show, which decides how theme and
/// pane colours are mapped.
enum ColorDepth: Equatable, Sendable {
    /// `NO_COLOR`, or a terminal without colour: attributes only.
    case none
    case ansi8
    case ansi16
    case indexed256
    /// 24-bit colour: curses colour numbers are `0xRRGGBB` (TERM=*-direct).
    case direct

    init(colorCount: Int) {
        switch colorCount {
        case ..<8: self = .none
        case 8..<16: self = .ansi8
        case 16..<256: self = .ansi16
        case 256..<0x100_0000: self = .indexed256
        default: self = .direct
        }
    }
}
