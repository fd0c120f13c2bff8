/// One cell of the screen or of a scrollback line, ready to draw.
public struct TerminalCell: Hashable, Sendable {
    /// The base character plus any combining marks; `" "` for a blank cell and
    /// `""` for the right half of a wide character.
    public var text: String
    /// Columns this cell's text takes: 1, 2 for a wide character, 0 for the
    /// right half of a wide character (draw nothing there).
    public var width: Int
    /// Text colour as the program set it (reverse video not applied).
    public var foreground: TerminalColor
    /// Background colour as the program set it (reverse video not applied).
    public var background: TerminalColor
    /// Bold, dim, italic, underline, blink, reverse (including DECSCNM), strike.
    public var attributes: CellAttributes

    /// A cell with the given contents.
    public init(text: String, width: Int, foreground: TerminalColor = .default,
                background: TerminalColor = .default, attributes: CellAttributes = []) {
        self.text = text
        self.width = width
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    /// A blank cell in default colours.
    public static let blank = TerminalCell(text: " ", width: 1)
}
