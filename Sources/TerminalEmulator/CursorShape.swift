/// The cursor shape a program asked for (DECSCUSR).
public enum CursorShape: Hashable, Sendable {
    /// A full cell (DECSCUSR 1, 2; the default).
    case block
    /// A line under the cell (DECSCUSR 3, 4).
    case underline
    /// A bar at the cell's left edge (DECSCUSR 5, 6).
    case bar
}
