/// The bottom-row prompt: `:` commands, the `/` filter, the command to run in an
/// instance, and scrollback search. Each purpose keeps its own history.
final class CommandBar {
    enum Purpose: Equatable {
        case command
        case filter
        case run(functionName: String, instanceId: String)
        case search(PaneID)
        /// A path for "Download file…" or "Upload file…".
        case transfer(TransferPrompt)
        /// An input of a quick action.
        case actionInput(QuickActionRequest)

        var historyKey: String {
            switch self {
            case .command: return "command"
            case .filter: return "filter"
            case .run: return "run"
            case .search: return "search"
            case .transfer(let prompt): return prompt.historyKey
            case .actionInput(let request): return "input-\(request.action.location)-\(request.nextInput?.name ?? "")"
            }
        }
    }

    private(set) var purpose: Purpose?
    private var editors: [String: LineEditor] = [:]
    var isOpen: Bool { purpose != nil }

    var text: String { purpose.flatMap { editors[$0.historyKey]?.string } ?? "" }

    func open(_ purpose: Purpose, initial: String = "") {
        self.purpose = purpose
        var editor = editors[purpose.historyKey] ?? LineEditor()
        editor.set(initial)
        editors[purpose.historyKey] = editor
    }

    /// Closes the bar; a submitted line goes into its history.
    func close(submitted: Bool) {
        if submitted, let purpose {
            let line = text  // read before the write below: both touch `editors`
            editors[purpose.historyKey]?.remember(line)
        }
        purpose = nil
    }

    /// Passes an editing key to the editor; false when the key is not an edit.
    func edit(_ press: KeyPress) -> Bool {
        guard let key = purpose?.historyKey, var editor = editors[key] else { return false }
        let handled = editor.handle(press)
        editors[key] = editor
        return handled
    }

    func paste(_ text: String) {
        guard let key = purpose?.historyKey else { return }
        editors[key]?.insert(text)
    }

    var prompt: String {
        switch purpose {
        case .command: return ":"
        case .filter: return "/"
        case .run(_, let id): return "run in \(id) $ "
        case .search: return "search scrollback: "
        case .transfer(let prompt): return prompt.prompt
        case .actionInput(let request):
            guard let input = request.nextInput else { return "" }
            var text = "\(request.action.description) · \(input.name)"
            if input.kind == .choice { text += " (\(input.choices.joined(separator: "/")))" }
            if let value = input.defaultValue { text += " [\(value)]" }
            if let refusal = request.refusal { text += " — \(refusal)" }
            return text + ": "
        case nil: return ""
        }
    }

    /// Draws the bar in the status row; returns the cursor's column.
    func draw(on screen: Screen, in rect: Rect) -> Int {
        let pen = screen.pen(.commandBar)
        screen.fill(row: rect.y, col: rect.x, width: rect.width, pen: pen)
        let promptWidth = screen.put(prompt, row: rect.y, col: rect.x, width: rect.width, pen: pen)
        let editor = purpose.flatMap { editors[$0.historyKey] } ?? LineEditor()
        let room = rect.width - promptWidth - 1
        // Scroll the text horizontally so the cursor stays visible.
        let cursorColumn = editor.cursorColumn
        let shift = max(0, cursorColumn - room)
        var shown = ""
        var skipped = 0
        for c in editor.string {
            if skipped < shift { skipped += Screen.width(of: c); continue }
            shown.append(c)
        }
        screen.put(shown, row: rect.y, col: rect.x + promptWidth, width: room, pen: pen)
        return rect.x + promptWidth + cursorColumn - shift
    }
}
