import TerminalEmulator

/// One thing read from the user's terminal.
enum InputEvent: Equatable {
    case key(KeyPress)
    case mouse(MouseInput)
    /// Text pasted while the outer terminal's bracketed paste was on.
    case paste(String)
    /// The outer terminal changed size (curses has already resized its screen).
    case resize
}

/// A key with its modifiers, in the emulator's vocabulary so it can be passed
/// to a pane unchanged.
struct KeyPress: Hashable {
    var key: TerminalKey
    var modifiers: KeyModifiers

    init(_ key: TerminalKey, _ modifiers: KeyModifiers = []) {
        self.key = key
        self.modifiers = modifiers
    }

    /// A plain character key.
    static func char(_ character: Character) -> KeyPress { KeyPress(.character(character)) }

    /// Ctrl plus a letter, as the terminal sends it (a control character).
    static func ctrl(_ letter: Character) -> KeyPress {
        let value = letter.lowercased().unicodeScalars.first!.value
        return KeyPress(.character(Character(Unicode.Scalar(value & 0x1F)!)))
    }

    /// The character typed, when this is an unmodified (or shifted) printable key.
    var printable: Character? {
        guard case .character(let c) = key, !modifiers.contains(.alt), !modifiers.contains(.ctrl) else { return nil }
        guard let scalar = c.unicodeScalars.first, scalar.value >= 0x20, scalar.value != 0x7F else { return nil }
        return c
    }
}

/// A mouse action at a screen cell.
struct MouseInput: Equatable {
    enum Action: Equatable { case press, release, rightPress, rightRelease, wheelUp, wheelDown }
    var action: Action
    var column: Int
    var row: Int
}
