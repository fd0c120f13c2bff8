/// A key press to encode for the program, as a terminal keyboard would send it.
public enum TerminalKey: Hashable, Sendable {
    /// A printable character (or a control character such as `"\u{1}"`).
    case character(Character)
    /// Return: CR.
    case enter
    /// HT; Shift-Tab is `ESC [ Z`.
    case tab
    /// DEL (0x7F), as xterm sends it.
    case backspace
    /// A lone ESC.
    case escape
    /// Cursor keys: `ESC [ A`…, or `ESC O A`… in application cursor mode.
    case up
    case down
    case left
    case right
    /// `ESC [ H` / `ESC [ F`.
    case home
    case end
    /// `ESC [ 5 ~` / `ESC [ 6 ~`.
    case pageUp
    case pageDown
    /// `ESC [ 2 ~` / `ESC [ 3 ~`.
    case insert
    case delete
    /// F1–F12 (other numbers are ignored).
    case function(Int)
}
