/// Which mouse events the program asked to receive (DECSET 9/1000/1002/1003).
public enum MouseReporting: Hashable, Sendable {
    /// No mouse reporting: the console may use the mouse itself.
    case off
    /// Button presses and releases.
    case click
    /// Presses, releases, and motion while a button is held.
    case drag
    /// Every motion.
    case motion

    /// True for any mode other than `.off`.
    public var isOn: Bool { self != .off }
}
