import TerminalEmulator

/// Theme styles use the same attribute set as terminal cells.
extension CellAttributes {
    /// The words a theme file uses.
    static let themeNames: [String: CellAttributes] = [
        "bold": .bold, "dim": .dim, "italic": .italic, "underline": .underline,
        "blink": .blink, "reverse": .reverse,
    ]
}
