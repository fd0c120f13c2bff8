import TerminalEmulator

/// One key as the key table holds it: a terminal key plus whether Shift is
/// part of it (S-Tab). Ctrl plus a letter is the control character itself, as
/// the terminal sends it, so `C-c` is `.character("\u{3}")`.
struct KeyChord: Hashable {
    var key: TerminalKey
    var shift = false

    init(_ key: TerminalKey, shift: Bool = false) {
        self.key = key
        self.shift = shift
    }

    static func char(_ c: Character) -> KeyChord { KeyChord(.character(c)) }

    /// Whether `press` is this key. Shift on a character is already in the
    /// character (`G`), so it is ignored there; on other keys it must match
    /// when the chord has it, and is ignored when it does not (S-↑ moves like ↑).
    func matches(_ press: KeyPress) -> Bool {
        guard press.key == key else { return false }
        return !shift || press.modifiers.contains(.shift)
    }

    /// How help and the footer show the key: `↑`, `PgUp`, `S-Tab`, `C-c`, `j`.
    var name: String {
        let base: String
        switch key {
        case .character(" "): base = "Space"
        case .character(let c):
            if let scalar = c.unicodeScalars.first, c.unicodeScalars.count == 1, scalar.value < 0x20 {
                base = "C-" + String(Character(Unicode.Scalar(scalar.value | 0x60)!))
            } else {
                base = String(c)
            }
        case .enter: base = "Enter"
        case .tab: base = "Tab"
        case .backspace: base = "BSpace"
        case .escape: base = "Esc"
        case .up: base = "↑"
        case .down: base = "↓"
        case .left: base = "←"
        case .right: base = "→"
        case .home: base = "Home"
        case .end: base = "End"
        case .pageUp: base = "PgUp"
        case .pageDown: base = "PgDn"
        case .insert: base = "Insert"
        case .delete: base = "Delete"
        case .function(let n): base = "F\(n)"
        }
        return shift ? "S-" + base : base
    }

    private static let named: [String: TerminalKey] = [
        "space": .character(" "), "enter": .enter, "return": .enter, "tab": .tab, "bspace": .backspace,
        "backspace": .backspace, "esc": .escape, "escape": .escape, "up": .up, "down": .down, "left": .left,
        "right": .right, "↑": .up, "↓": .down, "←": .left, "→": .right, "home": .home, "end": .end,
        "pgup": .pageUp, "pageup": .pageUp, "ppage": .pageUp, "pgdn": .pageDown, "pagedown": .pageDown,
        "npage": .pageDown, "insert": .insert, "ic": .insert, "delete": .delete, "dc": .delete,
    ]

    /// Reads a key written the tmux way: `j`, `G`, `?`, `C-x`, `S-Tab`, `Up`,
    /// `PgDn`, `Home`, `Enter`, `Esc`, `Space`, `F5`. Nil when it is none of these.
    static func parse(_ text: String) -> KeyChord? {
        guard !text.isEmpty else { return nil }
        if text.count == 1 { return KeyChord(.character(Character(text))) }
        let lowered = text.lowercased()
        if lowered.hasPrefix("s-") {
            guard var chord = parse(String(text.dropFirst(2))), chord.key.isSpecial else { return nil }
            chord.shift = true
            return chord
        }
        for lead in ["c-", "ctrl-", "ctrl+", "^"] where lowered.hasPrefix(lead) {
            let rest = lowered.dropFirst(lead.count)
            guard rest.count == 1, let scalar = rest.unicodeScalars.first,
                  (0x61...0x7A).contains(scalar.value) || "@[\\]^_".unicodeScalars.contains(scalar)
            else { return nil }
            return KeyChord(.character(Character(Unicode.Scalar(scalar.value & 0x1F)!)))
        }
        if let key = named[lowered] { return KeyChord(key) }
        if lowered.hasPrefix("f"), let n = Int(lowered.dropFirst()), (1...12).contains(n) {
            return KeyChord(.function(n))
        }
        return nil
    }
}

extension TerminalKey {
    /// Not a character: Shift is a separate modifier on it.
    fileprivate var isSpecial: Bool {
        if case .character = self { return false }
        return true
    }
}
