/// A mouse button as a program in the terminal is told about it.
public enum MouseButton: Int, Hashable, Sendable {
    case left = 1, middle = 2, right = 3
    /// The wheel turned up / down (reported as presses of buttons 4 and 5).
    case wheelUp = 4, wheelDown = 5
}
