/// The cursor shape a program asked for (DECSCUSR).
public enum CursorShape: Hashable, Sendable {
    case block
    case underline
    case bar
}
