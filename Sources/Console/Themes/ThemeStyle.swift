import TerminalEmulator

/// How one kind of thing on screen is drawn: colours, attributes, and the
/// attributes to use instead when colour is off (`NO_COLOR`), so a selected row
/// still stands out in monochrome.
struct ThemeStyle: Equatable, Sendable {
    var foreground: TerminalColor
    var background: TerminalColor
    var attributes: CellAttributes
    var monochrome: CellAttributes

    init(foreground: TerminalColor = .default, background: TerminalColor = .default,
         attributes: CellAttributes = [], monochrome: CellAttributes? = nil) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
        self.monochrome = monochrome ?? attributes
    }
}
