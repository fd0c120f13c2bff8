/// Mouse events: panes first (or the program in one), then the tables.
extension ConsoleApp {
    func handleMouse(_ mouse: MouseInput) {
        let whole = Rect(x: 0, y: 1, width: screen?.cols ?? 0, height: max(0, (screen?.rows ?? 2) - 2))
        if case .menu(let menu)? = overlay {
            if mouse.action == .press, menu.rect(in: whole).contains(column: mouse.column, row: mouse.row) {
                if let outcome = menu.action(atRow: mouse.row, in: whole) { handleMenuOutcome(outcome, in: menu) }
            } else if mouse.action == .press || mouse.action == .rightPress {
                closeOverlay()
            }
            return
        }
        if case .containers(let picker)? = overlay {
            if mouse.action == .press, picker.rect(in: whole).contains(column: mouse.column, row: mouse.row) {
                if let container = picker.container(atRow: mouse.row, in: whole) { choose(container, in: picker) }
            } else if mouse.action == .press || mouse.action == .rightPress {
                closeOverlay()
            }
            return
        }
        if overlay != nil {
            if mouse.action == .press { closeOverlay() }
            return
        }
        // Panes first: they may overlap nothing, but the zoomed one covers the tables.
        for id in workspace.visiblePaneIDs {
            guard let pane = workspace.panes[id], pane.frame.contains(column: mouse.column, row: mouse.row) else { continue }
            if mouse.action == .press || mouse.action == .rightPress { focusPane(id) }
            // A program that asked for the mouse gets it, as in tmux; the
            // border still focuses and scrolls.
            if pane.scrollback == nil, pane.sendMouse(mouse) { return }
            switch mouse.action {
            case .press:
                pane.dragStart = lineUnder(mouse, in: pane).map { ($0, mouse.column, mouse.row) }
            case .rightPress:
                break  // focused above
            case .wheelUp, .wheelDown:
                let up = mouse.action == .wheelUp
                if pane.terminal.modes.alternateScreen, pane.scrollback == nil {
                    // Full-screen programs get arrow keys, as terminals do for the alternate screen.
                    for _ in 0..<3 { pane.send(KeyPress(up ? .up : .down)) }
                } else {
                    var view = pane.scrollback ?? ScrollbackView(pane.terminal)
                    view.scroll(by: up ? 3 : -3, pane.terminal)
                    pane.scrollback = view.offset(pane.terminal) == 0 && !up ? nil : view
                    pane.needsFullRedraw = true
                    pane.chromeDirty = true
                }
            case .release:
                finishDrag(mouse, in: pane)
            case .rightRelease:
                break
            }
            return
        }
        if areas.instances.contains(column: mouse.column, row: mouse.row) {
            switch mouse.action {
            case .press, .rightPress:
                setTableFocus(.instances)
                if let record = instanceTable.record(atRow: mouse.row) {
                    instanceTable.select(id: record.id)
                    if mouse.action == .rightPress { openMenu(anchor: (mouse.column, mouse.row)) }
                }
            case .wheelUp: instanceTable.scroll(by: -3)
            case .wheelDown: instanceTable.scroll(by: 3)
            case .release, .rightRelease: break
            }
        } else if areas.functions.contains(column: mouse.column, row: mouse.row) {
            switch mouse.action {
            case .press, .rightPress:
                setTableFocus(.functions)
                if let function = functionList.function(atRow: mouse.row, in: store.functions) {
                    selectFunction(function.functionName)
                }
            case .wheelUp: shiftFunction(by: -1)
            case .wheelDown: shiftFunction(by: 1)
            case .release, .rightRelease: break
            }
        }
    }

    /// The line (numbered as in `ScrollbackView`) under a mouse position in a pane's content.
    func lineUnder(_ mouse: MouseInput, in pane: Pane) -> Int? {
        let content = pane.contentRect
        guard content.contains(column: mouse.column, row: mouse.row) else { return nil }
        let view = pane.scrollback ?? ScrollbackView()
        let line = view.topLine(pane.terminal) + mouse.row - content.y
        return line < ScrollbackView.lines(pane.terminal).upperBound ? line : nil
    }

    /// A drag (press here, release elsewhere) over a pane whose program did not
    /// claim the mouse copies the lines it spans, as tmux's copy mode does.
    func finishDrag(_ mouse: MouseInput, in pane: Pane) {
        guard let start = pane.dragStart else { return }
        pane.dragStart = nil
        guard start.column != mouse.column || start.row != mouse.row else { return }  // a click
        let content = pane.contentRect
        let row = max(content.y, min(content.maxY - 1, mouse.row))
        let column = max(content.x, min(content.maxX - 1, mouse.column))
        let end = lineUnder(MouseInput(action: .release, column: column, row: row), in: pane)
            ?? ScrollbackView.lines(pane.terminal).upperBound - 1
        let lines = min(start.line, end)...max(start.line, end)
        copyLines(lines, of: pane)
        pane.needsFullRedraw = true
        pane.chromeDirty = true
        panesDirty = true
    }
}
