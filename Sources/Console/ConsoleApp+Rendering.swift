import CNCursesW
import Foundation

/// Drawing a frame: what changed since the last one, panes, chrome, cursor.
extension ConsoleApp {
    func render(_ screen: Screen) {
        if fullRedraw {
            werase(screen.window)
            screen.fill(Rect(x: 0, y: 0, width: screen.cols, height: screen.rows), pen: screen.pen(.screen))
            for pane in panes.values {
                pane.needsFullRedraw = true
                pane.chromeDirty = true
            }
            chromeDirty = true
        }
        let tableFocused = focus == .instances || focus == .functions
        // What was drawn over the table, or cleared, must be drawn again in full.
        if fullRedraw || overlay != nil { instanceTable.invalidate() }
        if chromeDirty {
            HeaderBar.draw(
                on: screen, in: areas.header, context: contextName, functions: store.functions.count,
                instances: store.liveInstanceCount, sessions: openSessionCount, refreshError: store.refreshError)
            if !areas.functions.isEmpty {
                functionList.draw(on: screen, in: areas.functions, store: store, focused: focus == .functions)
            }
            if !areas.instances.isEmpty {
                instanceTable.draw(
                    on: screen, in: areas.instances, functionName: functionList.selectedName,
                    focused: focus == .instances, thresholds: options.thresholds, store: store, now: Date())
            }
            for pane in panes.values { pane.chromeDirty = true }
        }
        for id in visiblePaneIDs {
            guard let pane = panes[id] else { continue }
            PaneView.draw(pane, on: screen, focused: focus == .pane(id), synchronized: synchronized, paneStyle: theme[.pane])
        }
        var cursor: (Int, Int)?
        let whole = Rect(x: 0, y: 1, width: screen.cols, height: max(0, screen.rows - 2))
        switch overlay {
        case .help(let view): view.draw(on: screen, in: whole, prefix: prefix.name)
        case .menu(let menu): menu.draw(on: screen, in: whole)
        case .detail(let view):
            view.draw(on: screen, in: whole, record: store.record(id: view.instanceId))
        case .confirmQuit:
            let sessions = openSessionCount
            let rect = OverlayFrame.centred(width: 56, height: 5, in: whole)
            OverlayFrame.draw(on: screen, rect, title: "Quit porthole?")
            screen.put("\(sessions) session\(sessions == 1 ? " is" : "s are") open and will be closed.",
                       row: rect.y + 1, col: rect.x + 2, width: rect.width - 4, pen: screen.pen(.dialog))
            screen.put("y", row: rect.y + 3, col: rect.x + 2, width: 1, pen: screen.pen(.dialogKey))
            screen.put(" quit   any other key: stay", row: rect.y + 3, col: rect.x + 3, width: rect.width - 5, pen: screen.pen(.dialog))
        case nil: break
        }
        if commandBar.isOpen {
            cursor = (areas.status.y, commandBar.draw(on: screen, in: areas.status))
        } else {
            statusLine.draw(on: screen, in: areas.status, hints: hints(tableFocused: tableFocused), right: statusRight)
        }
        if cursor == nil, overlay == nil, let id = focus.paneID, let pane = panes[id], pane.scrollback == nil,
           pane.state.isOpen, pane.terminal.cursor.visible, visiblePaneIDs.contains(id) {
            let content = pane.contentRect
            let c = pane.terminal.cursor
            if c.row < content.height && c.col < content.width {
                cursor = (content.y + c.row, content.x + c.col)
            }
        }
        if let (row, col) = cursor { screen.placeCursor(row: row, col: col) } else { screen.hideCursor() }
        screen.flush()
        fullRedraw = false
        chromeDirty = false
        panesDirty = false
        lastFrameNanos = DispatchTime.now().uptimeNanoseconds
    }

    var visiblePaneIDs: [PaneID] {
        if zoomed, let id = focus.paneID ?? lastPaneFocus, panes[id] != nil { return [id] }
        return layout.paneIDs
    }

    var openSessionCount: Int {
        panes.values.filter { $0.state.isOpen }.count
    }

    func hints(tableFocused: Bool) -> [(key: String, label: String)] {
        if awaitingPrefix {
            return [("←↑→↓", "focus"), ("z", "zoom"), ("x", "close"), ("Space", "layout"), ("m", "mark"),
                    ("s", "sync"), ("[", "scrollback"), ("Tab", "table"), ("?", "help")]
        }
        if let id = focus.paneID, let pane = panes[id] {
            if pane.scrollback != nil {
                return [("↑↓ PgUp PgDn", "scroll"), ("/", "search"), ("n N", "next/prev"), ("q", "leave")]
            }
            return [(prefix.name, "prefix"), ("\(prefix.name) Tab", "table"), ("\(prefix.name) x", "close"),
                    ("\(prefix.name) z", "zoom"), ("\(prefix.name) ?", "help")]
        }
        return [("Enter", "login"), ("m", "menu"), ("x", "run"), ("d", "detail"), ("/", "filter"),
                ("<>", "sort"), ("Tab", "focus"), ("?", "help"), ("q", "quit")]
    }

    var statusRight: String {
        var parts: [String] = []
        if awaitingPrefix { parts.append("[\(prefix.name)]") }
        if synchronized { parts.append("SYNC") }
        if zoomed { parts.append("ZOOM") }
        if let id = focus.paneID, let pane = panes[id] {
            parts.append("\(pane.instanceId): \(pane.state.summary)")
        } else if let selected = instanceTable.selected {
            parts.append(selected.id)
        }
        return parts.joined(separator: " · ")
    }
}
