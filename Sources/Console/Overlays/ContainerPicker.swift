/// Logging in to an instance with several containers (a Kubernetes pod): which
/// one. Opens on the default container (the pod's default-container
/// annotation, else its first), marked "default"; arrows or j/k move, Enter
/// or a digit chooses, Esc closes without logging in.
final class ContainerPicker {
    let functionName: String
    let instanceId: String
    let containers: [String]
    let defaultContainer: String?
    /// What the chosen container is opened for (a login shell or a command).
    let purpose: PanePurpose
    let axis: SplitAxis
    private(set) var selected: Int

    init(
        functionName: String, instanceId: String, containers: [String], defaultContainer: String?,
        purpose: PanePurpose, axis: SplitAxis
    ) {
        self.functionName = functionName
        self.instanceId = instanceId
        self.containers = containers
        self.defaultContainer = defaultContainer
        self.purpose = purpose
        self.axis = axis
        selected = defaultContainer.flatMap { containers.firstIndex(of: $0) } ?? 0
    }

    enum Outcome: Equatable { case stay, close, choose(String) }

    func handle(_ press: KeyPress) -> Outcome {
        guard !containers.isEmpty else { return .close }
        switch press.key {
        case .up, .character("k"): selected = (selected + containers.count - 1) % containers.count
        case .down, .tab, .character("j"): selected = (selected + 1) % containers.count
        case .enter: return .choose(containers[selected])
        case .escape, .character("q"): return .close
        case .character(let c):
            // 1…9 pick by position, as the list numbers them.
            if let digit = c.wholeNumberValue, digit >= 1, digit <= containers.count { return .choose(containers[digit - 1]) }
        default: break
        }
        return .stay
    }

    /// The rectangle the picker occupies, centred on the screen.
    func rect(in area: Rect) -> Rect {
        let longest = containers.map { $0.count }.max() ?? 0
        let width = min(area.width, max(34, longest + 18, instanceId.count + 14))
        return OverlayFrame.centred(width: width, height: containers.count + 4, in: area)
    }

    /// The container under a screen row (mouse), if any.
    func container(atRow row: Int, in area: Rect) -> String? {
        let index = row - rect(in: area).y - 2
        return containers.indices.contains(index) ? containers[index] : nil
    }

    func draw(on screen: Screen, in area: Rect) {
        let r = rect(in: area)
        let pen = screen.pen(.menu)
        screen.fill(r, pen: pen)
        screen.frame(r, border: pen, title: "Container · \(instanceId)", titlePen: screen.pen(.dialogTitle))
        let verb = purpose == .login ? "log in to" : purpose.isLog ? "read the log of" : "run in"
        screen.put(" \(verb) which container?", row: r.y + 1, col: r.x + 1, width: r.width - 2, pen: pen)
        for (index, name) in containers.enumerated() {
            let y = r.y + 2 + index
            let rowPen = index == selected ? screen.pen(.menuSelected) : pen
            screen.fill(row: y, col: r.x + 1, width: r.width - 2, pen: rowPen)
            let number = index < 9 ? "\(index + 1)" : " "
            screen.put(number, row: y, col: r.x + 2, width: 1, pen: index == selected ? rowPen : screen.pen(.menuKey))
            let mark = name == defaultContainer ? "  (default)" : ""
            screen.put(" " + name + mark, row: y, col: r.x + 3, width: r.width - 5, pen: rowPen)
        }
        screen.put(" Enter choose · Esc cancel", row: r.maxY - 2, col: r.x + 1, width: r.width - 2, pen: pen)
    }
}
