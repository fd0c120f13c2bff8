/// A key press to encode for the program, as a terminal keyboard would send it.
public enum TerminalKey: Hashable, Sendable {
    /// A printable character (or a control character such as `"\u{1}"`).
    case character(Character)
    case enter
    case tab
    case backspace
    case escape
    case up
    case down
    case left
    case right
    case home
    case end
    case pageUp
    case pageDown
    case insert
    case delete
    /// F1–F12 (other numbers are ignored).
    case function(Int)
}
