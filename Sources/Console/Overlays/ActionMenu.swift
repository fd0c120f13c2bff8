/// `m` on an instance: what can be done with it, each with its key. Arrows and
/// Enter or the key choose; Esc closes.
final class ActionMenu {
    enum Action: CaseIterable, Equatable {
        case login, run, details, copyID, everyInstance

        var label: String {
            switch self {
            case .login: return "Login"
            case .run: return "Run command…"
            case .details: return "Details"
            case .copyID: return "Copy id"
            case .everyInstance: return "Login to all"
            }
        }

        var key: Character {
            switch self {
            case .login: return "l"
            case .run: return "x"
            case .details: return "d"
            case .copyID: return "c"
            case .everyInstance: return "L"
            }
        }
    }

    let instanceId: String
    let functionName: String
    private(set) var selected = 0
    /// Where the menu opens (near the selected row or the mouse).
    let anchor: (column: Int, row: Int)

    init(functionName: String, instanceId: String, anchor: (column: Int, row: Int)) {
        self.functionName = functionName
        self.instanceId = instanceId
        self.anchor = anchor
    }

    enum Outcome: Equatable { case stay, close, choose(Action) }

    func handle(_ press: KeyPress) -> Outcome {
        switch press.key {
        case .up: selected = (selected + Action.allCases.count - 1) % Action.allCases.count
        case .down, .tab: selected = (selected + 1) % Action.allCases.count
        case .enter: return .choose(Action.allCases[selected])
        case .escape: return .close
        case .character(let c):
            if c == "k" { selected = (selected + Action.allCases.count - 1) % Action.allCases.count; return .stay }
            if c == "j" { selected = (selected + 1) % Action.allCases.count; return .stay }
            if c == "q" { return .close }
            if let action = Action.allCases.first(where: { $0.key == c }) { return .choose(action) }
        default: break
        }
        return .stay
    }

    /// The rectangle the menu occupies on a screen of this size.
    func rect(in area: Rect) -> Rect {
        let width = 26, height = Action.allCases.count + 2
        let x = max(area.x, min(anchor.column, area.maxX - width))
        let y = max(area.y, min(anchor.row + 1, area.maxY - height))
        return Rect(x: x, y: y, width: width, height: height)
    }

    /// The action under a screen cell (mouse), if any.
    func action(atRow row: Int, in area: Rect) -> Action? {
        let r = rect(in: area)
        let index = row - r.y - 1
        return Action.allCases.indices.contains(index) ? Action.allCases[index] : nil
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
    }
}
