import TerminalEmulator

/// One line of editable text with a cursor and history: the command bar, the
/// filter and search prompts all type through it.
struct LineEditor: Equatable {
    private(set) var text: [Character] = []
    private(set) var cursor = 0
    private var history: [String] = []
    private var historyIndex: Int?

    var string: String { String(text) }

    init(_ initial: String = "") {
        text = Array(initial)
        cursor = text.count
    }

    mutating func set(_ value: String) {
        text = Array(value)
        cursor = text.count
    }

    mutating func remember(_ entry: String) {
        guard !entry.isEmpty, history.last != entry else { return }
        history.append(entry)
        historyIndex = nil
    }

    /// Applies an editing key; returns false for keys it does not handle (Enter, Esc).
    mutating func handle(_ press: KeyPress) -> Bool {
        if let c = press.printable {
            text.insert(c, at: cursor)
            cursor += 1
            return true
        }
        switch (press.key, press.modifiers) {
        case (.backspace, _):
            if cursor > 0 { text.remove(at: cursor - 1); cursor -= 1 }
        case (.delete, _), (.character("\u{4}"), _):
            if cursor < text.count { text.remove(at: cursor) }
        case (.left, _), (.character("\u{2}"), _):
            cursor = max(0, cursor - 1)
        case (.right, _), (.character("\u{6}"), _):
            cursor = min(text.count, cursor + 1)
        case (.home, _), (.character("\u{1}"), _):
            cursor = 0
        case (.end, _), (.character("\u{5}"), _):
            cursor = text.count
        case (.character("\u{15}"), _):  // Ctrl-U: erase to the start
            text.removeSubrange(0..<cursor)
            cursor = 0
        case (.character("\u{17}"), _):  // Ctrl-W: erase a word
            var start = cursor
            while start > 0, text[start - 1] == " " { start -= 1 }
            while start > 0, text[start - 1] != " " { start -= 1 }
            text.removeSubrange(start..<cursor)
            cursor = start
        case (.up, _):
            guard !history.isEmpty else { return true }
            let index = max(0, (historyIndex ?? history.count) - 1)
            historyIndex = index
            set(history[index])
        case (.down, _):
            guard let index = historyIndex else { return true }
            if index + 1 < history.count {
                historyIndex = index + 1
                set(history[index + 1])
            } else {
                historyIndex = nil
                set("")
            }
        default:
            return false
        }
        return true
    }

    mutating func insert(_ pasted: String) {
        for c in pasted where !c.isNewline {
            text.insert(c, at: cursor)
            cursor += 1
        }
    }

    /// Columns from the start of the text to the cursor.
    var cursorColumn: Int { Screen.width(of: String(text[0..<cursor])) }
}
