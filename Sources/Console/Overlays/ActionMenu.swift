/// `m` on an instance: what can be done with it, each with its key. Arrows and
/// Enter or the key choose; Esc closes.
final class ActionMenu {
    enum Action: CaseIterable, Equatable {
        case login, run, details, copyID, everyInstance, download, upload, logs, previousLogs

        var label: String {
            switch self {
            case .login: return "Login"
            case .run: return "Run command…"
            case .details: return "Details"
            case .copyID: return "Copy id"
            case .everyInstance: return "Login to all"
            case .download: return "Download file…"
            case .upload: return "Upload file…"
            case .logs: return "Logs"
            case .previousLogs: return "Logs (previous)"
            }
        }

        var key: Character {
            switch self {
            case .login: return "l"
            case .run: return "x"
            case .details: return "d"
            case .copyID: return "c"
            case .everyInstance: return "L"
            case .download: return "D"
            case .upload: return "U"
            case .logs: return "o"
            case .previousLogs: return "p"
            }
        }
    }

    let instanceId: String
    let functionName: String
    private(set) var selected = 0
    /// Where the menu opens (near the selected row or the mouse).
    let anchor: (column: Int, row: Int)
    /// The user's quick actions (actions.yaml), listed after the built-in ones.
    let quickActions: [QuickAction]

    init(functionName: String, instanceId: String, anchor: (column: Int, row: Int), quickActions: [QuickAction] = []) {
        self.functionName = functionName
        self.instanceId = instanceId
        self.anchor = anchor
        self.quickActions = quickActions
    }

    enum Outcome: Equatable { case stay, close, choose(Action), quick(QuickAction) }

    private var rowCount: Int { Action.allCases.count + quickActions.count }

    /// What row `index` chooses.
    private func outcome(atRow index: Int) -> Outcome {
        index < Action.allCases.count ? .choose(Action.allCases[index]) : .quick(quickActions[index - Action.allCases.count])
    }

    func handle(_ press: KeyPress) -> Outcome {
        switch press.key {
        case .up: selected = (selected + rowCount - 1) % rowCount
        case .down, .tab: selected = (selected + 1) % rowCount
        case .enter: return outcome(atRow: selected)
        case .escape: return .close
        case .character(let c):
            if c == "k" { selected = (selected + rowCount - 1) % rowCount; return .stay }
            if c == "j" { selected = (selected + 1) % rowCount; return .stay }
            if c == "q" { return .close }
            if let action = Action.allCases.first(where: { $0.key == c }) { return .choose(action) }
        default: break
        }
        if let quick = quickActions.first(where: { $0.key.matches(press) }) { return .quick(quick) }
        return .stay
    }

    /// The rectangle the menu occupies on a screen of this size.
    func rect(in area: Rect) -> Rect {
        let longest = quickActions.map { Screen.width(of: $0.description) + Screen.width(of: $0.key.name) + 9 }.max() ?? 0
        let width = min(60, max(26, longest)), height = rowCount + 2
        let x = max(area.x, min(anchor.column, area.maxX - width))
        let y = max(area.y, min(anchor.row + 1, area.maxY - height))
        return Rect(x: x, y: y, width: width, height: height)
    }

    /// The row under a screen cell (mouse), if any.
    func action(atRow row: Int, in area: Rect) -> Outcome? {
        let r = rect(in: area)
        let index = row - r.y - 1
        return (0..<rowCount).contains(index) ? outcome(atRow: index) : nil
    }

    func draw(on screen: Screen, in area: Rect) {
        let r = rect(in: area)
        let pen = screen.pen(.menu)
        screen.fill(r, pen: pen)
        screen.frame(r, border: pen, title: instanceId, titlePen: screen.pen(.dialogTitle))
        for (index, action) in Action.allCases.enumerated() {
            let y = r.y + 1 + index
            let rowPen = index == selected ? screen.pen(.menuSelected) : pen
            screen.fill(row: y, col: r.x + 1, width: r.width - 2, pen: rowPen)
            screen.put(" " + action.label, row: y, col: r.x + 1, width: r.width - 6, pen: rowPen)
            screen.put(String(action.key), row: y, col: r.maxX - 3, width: 1,
                       pen: index == selected ? rowPen : screen.pen(.menuKey))
        }
        for (offset, quick) in quickActions.enumerated() {
            let index = Action.allCases.count + offset
            let y = r.y + 1 + index
            let rowPen = index == selected ? screen.pen(.menuSelected) : pen
            let keyWidth = Screen.width(of: quick.key.name)
            screen.fill(row: y, col: r.x + 1, width: r.width - 2, pen: rowPen)
            screen.put(" ⚡ " + quick.description, row: y, col: r.x + 1, width: r.width - 5 - keyWidth, pen: rowPen)
            screen.put(quick.key.name, row: y, col: r.maxX - 2 - keyWidth, width: keyWidth,
                       pen: index == selected ? rowPen : screen.pen(.menuKey))
        }
    }
}
