import CNCursesW
import CShims
import Foundation

/// Drawing a frame: what changed since the last one, panes, chrome, cursor.
extension ConsoleApp {
    func render(_ screen: Screen) {
        let trace = LatencyTrace.shared
        trace?.frameStarted()
        if fullRedraw {
            werase(screen.window)
            screen.fill(Rect(x: 0, y: 0, width: screen.cols, height: screen.rows), pen: screen.pen(.screen))
            for pane in workspace.panes.values {
                pane.needsFullRedraw = true
                pane.chromeDirty = true
            }
            chromeDirty = true
        }
        let tableFocused = workspace.focus == .instances || workspace.focus == .functions
        // What was drawn over the table, or cleared, must be drawn again in full.
        if fullRedraw || overlay != nil { instanceTable.invalidate() }
        if chromeDirty {
            HeaderBar.draw(
                on: screen, in: areas.header, context: contextName, functions: store.functions.count,
                instances: store.liveInstanceCount, sessions: workspace.openSessionCount, refreshError: store.refreshError)
            if !areas.functions.isEmpty {
                functionList.draw(on: screen, in: areas.functions, store: store, focused: workspace.focus == .functions)
            }
            if !areas.instances.isEmpty {
                instanceTable.draw(
                    on: screen, in: areas.instances, functionName: functionList.selectedName,
                    focused: workspace.focus == .instances, thresholds: options.thresholds, store: store, now: Date())
            }
            for pane in workspace.panes.values { pane.chromeDirty = true }
        }
        for id in workspace.visiblePaneIDs {
            guard let pane = workspace.panes[id] else { continue }
            PaneView.draw(pane, on: screen, focused: workspace.focus == .pane(id), synchronized: workspace.synchronized, paneStyle: theme[.pane])
        }
        var cursor: (Int, Int)?
        let whole = Rect(x: 0, y: 1, width: screen.cols, height: max(0, screen.rows - 2))
        switch overlay {
        case .help(let view): view.draw(on: screen, in: whole, prefix: prefix.name, table: keyTable, actions: quickActions)
        case .menu(let menu): menu.draw(on: screen, in: whole)
        case .containers(let picker): picker.draw(on: screen, in: whole)
        case .detail(let view):
            view.draw(on: screen, in: whole, record: store.record(id: view.instanceId))
        case .confirmQuit:
            let sessions = workspace.openSessionCount
            let rect = OverlayFrame.centred(width: 56, height: 5, in: whole)
            OverlayFrame.draw(on: screen, rect, title: "Quit porthole?")
            let transfers = jobs.running.count
            let what = transfers == 0 ? "\(sessions) session\(sessions == 1 ? " is" : "s are") open and will be closed."
                : "\(sessions) session\(sessions == 1 ? "" : "s") and \(transfers) transfer\(transfers == 1 ? "" : "s") will be stopped."
            screen.put(what,
                       row: rect.y + 1, col: rect.x + 2, width: rect.width - 4, pen: screen.pen(.dialog))
            screen.put("y", row: rect.y + 3, col: rect.x + 2, width: 1, pen: screen.pen(.dialogKey))
            screen.put(" quit   any other key: stay", row: rect.y + 3, col: rect.x + 3, width: rect.width - 5, pen: screen.pen(.dialog))
        case .transfers(let view): view.draw(on: screen, in: whole, jobs: jobs.jobs)
        case .confirmAction(let request): drawConfirmAction(request, on: screen, in: whole)
        case .confirmEveryInstance(let function, let count):
            let rect = OverlayFrame.centred(width: 64, height: 6, in: whole)
            OverlayFrame.draw(on: screen, rect, title: "Log into every instance of \(function)?")
            screen.put("This opens \(count) panes, one session per live instance,", row: rect.y + 1, col: rect.x + 2,
                       width: rect.width - 4, pen: screen.pen(.dialog))
            screen.put("tiled, with synchronized input on.", row: rect.y + 2, col: rect.x + 2, width: rect.width - 4, pen: screen.pen(.dialog))
            screen.put("y", row: rect.y + 4, col: rect.x + 2, width: 1, pen: screen.pen(.dialogKey))
            screen.put(" open them   any other key: cancel", row: rect.y + 4, col: rect.x + 3, width: rect.width - 5, pen: screen.pen(.dialog))
        case nil: break
        }
        if commandBar.isOpen {
            cursor = (areas.status.y, commandBar.draw(on: screen, in: areas.status))
        } else {
            statusLine.draw(on: screen, in: areas.status, hints: hints(tableFocused: tableFocused), right: statusRight)
        }
        if cursor == nil, overlay == nil, let id = workspace.focus.paneID, let pane = workspace.panes[id], pane.scrollback == nil,
           pane.state.isOpen, pane.terminal.cursor.visible, workspace.visiblePaneIDs.contains(id) {
            let content = pane.contentRect
            let c = pane.terminal.cursor
            if c.row < content.height && c.col < content.width {
                cursor = (content.y + c.row, content.x + c.col)
            }
        }
        if let (row, col) = cursor { screen.placeCursor(row: row, col: col) } else { screen.hideCursor() }
        screen.flush()
        if let trace { trace.frameDrawn(pending: Int(porthole_output_pending(STDOUT_FILENO))) }
        fullRedraw = false
        chromeDirty = false
        panesDirty = false
        lastFrameNanos = DispatchTime.now().uptimeNanoseconds
    }

    func hints(tableFocused: Bool) -> [(key: String, label: String)] {
        if workspace.awaitingPrefix { return keyTable.footer(.prefix) }
        if let id = workspace.focus.paneID, let pane = workspace.panes[id] {
            if pane.scrollback != nil { return keyTable.footer(.scrollback) }
            return keyTable.paneFooter(prefix: prefix.name)
        }
        return keyTable.footer(.table)
    }

    var statusRight: String {
        var parts: [String] = []
        if let summary = jobs.summary { parts.append(summary) }
        if workspace.awaitingPrefix { parts.append("[\(prefix.name)]") }
        if workspace.synchronized { parts.append("SYNC") }
        if workspace.zoomed { parts.append("ZOOM") }
        if let id = workspace.focus.paneID, let pane = workspace.panes[id] {
            if pane.recorder.isRecording { parts.append("● REC") }
            parts.append("\(pane.instanceId): \(pane.state.summary)")
        } else if let selected = instanceTable.selected {
            parts.append(selected.id)
        }
        return parts.joined(separator: " · ")
    }
}
