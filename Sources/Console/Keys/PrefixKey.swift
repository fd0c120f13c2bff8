import TerminalEmulator

/// The key that reaches the console while a pane has focus, written the tmux way.
struct PrefixKey: Equatable {
    let press: KeyPress
    /// How help and the status line show it ("C-a").
    let name: String

    /// Parses `C-a`, `^a`, `Ctrl-a`, `ctrl+b` (Ctrl plus a letter, or one of `@[\]^_` and space).
    static func parse(_ text: String) throws -> PrefixKey {
        let lowered = text.lowercased()
        var rest: Substring?
        for lead in ["c-", "ctrl-", "ctrl+", "^"] where lowered.hasPrefix(lead) {
            rest = text.dropFirst(lead.count)
        }
        guard let rest, rest.count == 1 || rest.lowercased() == "space" else {
            throw ConsoleError.system("prefix key \"\(text)\" is not Ctrl plus a key; write it like C-a or C-b")
        }
        let character: Character = rest.lowercased() == "space" ? "@" : Character(rest.lowercased())
        guard let scalar = character.unicodeScalars.first,
              (scalar.value >= 0x61 && scalar.value <= 0x7A) || "@[\\]^_".unicodeScalars.contains(scalar)
        else {
            throw ConsoleError.system("prefix key \"\(text)\" is not Ctrl plus a key; write it like C-a or C-b")
        }
        let control = Character(Unicode.Scalar(scalar.value & 0x1F)!)
        let shown = rest.lowercased() == "space" ? "Space" : String(character)
        return PrefixKey(press: KeyPress(.character(control)), name: "C-\(shown)")
    }
}
