/// A terminal's size in character cells, as sent on the resize channel.
public struct TerminalSize: Sendable, Equatable, Codable {
    public var cols: Int
    public var rows: Int

    public init(cols: Int, rows: Int) {
        self.cols = cols
        self.rows = rows
    }
}
