/// Panes: keys for them, the prefix commands, layouts, opening and closing, scrollback.
extension ConsoleApp {
    func handlePaneKey(_ press: KeyPress, _ pane: Pane) {
        if pane.scrollback != nil {
            handleScrollbackKey(press, pane)
            return
        }
        if pane.purpose.isLog {
            handleLogPaneKey(press, pane)
            return
        }
        if pane.state.isFinished {
            if keyTable.action(for: press, in: .pane) == .reconnectEnded {
                reconnect(pane)
            } else {
                statusLine.show("the session has ended (\(pane.state.summary)): \(keyName(.reconnectEnded, .pane)) reconnects, \(keyName(.closePane, .prefix)) closes, \(keyName(.table, .prefix)) returns to the table")
            }
            return
        }
        for target in workspace.inputTargets(from: pane) { target.send(press) }
    }

    func handlePrefixCommand(_ press: KeyPress) {
        let current = workspace.focusedPane
        if press == prefix.press {
            if let current { for target in workspace.inputTargets(from: current) { target.send(press) } }
            return
        }
        guard let action = keyTable.action(for: press, in: .prefix) else {
            if case .character(let c) = press.key {
                statusLine.show("\(prefix.name) \(c) does nothing; \(keyName(.help, .prefix)) lists the keys", error: true)
            }
            return
        }
        switch action {
        case .focusUp: moveFocus(.up)
        case .focusDown: moveFocus(.down)
        case .focusLeft: moveFocus(.left)
        case .focusRight: moveFocus(.right)
        case .table: setTableFocus(.instances)
        case .nextLayout:
            let next = workspace.layout.preset?.next ?? .evenHorizontal
            applyLayout(next)
        case .nextPane:
            let ids = workspace.layout.paneIDs
            if let current, let index = ids.firstIndex(of: current.id) {
                focusPane(ids[(index + 1) % ids.count])
            } else if let first = ids.first {
                focusPane(first)
            }
        case .zoom:
            guard current != nil || workspace.lastPaneFocus != nil else { return }
            if current == nil, let id = workspace.lastPaneFocus { focusPane(id) }
            workspace.zoomed.toggle()
            relayout()
        case .closePane:
            if let current { closePane(current.id) }
        case .mark:
            guard let current else { return }
            if current.purpose.isLog {
                statusLine.show("a log pane takes no input: it cannot join synchronized input", error: true)
                return
            }
            current.marked.toggle()
            if current.marked { current.joinedLate = false }
            workspace.marksAreAutomatic = false
            current.chromeDirty = true
            statusLine.show(current.marked ? "pane marked for synchronized input" : "pane unmarked")
        case .synchronize:
            toggleSynchronized()
        case .record:
            if let current { toggleRecording(current) } else { statusLine.show("focus a pane to record it", error: true) }
        case .scrollback:
            guard let current else { return }
            current.scrollback = ScrollbackView(current.terminal)
            current.needsFullRedraw = true
            current.chromeDirty = true
        case .reconnect:
            if let current { reconnect(current) }
        case .keepalive:
            if let current { sendKeepalive(current) }
        case .splitBeside:
            if let current { openPane(functionName: current.functionName, instanceId: current.instanceId, purpose: .login, axis: .beside) }
        case .splitBelow:
            if let current { openPane(functionName: current.functionName, instanceId: current.instanceId, purpose: .login, axis: .below) }
        case .paneLogs:
            if let current {
                openPane(functionName: current.functionName, instanceId: current.instanceId, purpose: .logs(previous: false),
                         container: current.container)
            } else {
                statusLine.show("focus a pane to read its instance's log (in the table: \(keyName(.logs, .table)))", error: true)
            }
        case .command: commandBar.open(.command)
        case .help: overlay = .help(HelpView())
        case .download, .upload:
            if let target = transferTarget() {
                promptTransfer(download: action == .download, functionName: target.functionName, instanceId: target.instanceId)
            }
        case .transfers: openTransfers()
        default: break
        }
    }

    /// How the status line names the key of `action`: "C-a x" after the prefix, "Enter" elsewhere.
    func keyName(_ action: ConsoleAction, _ context: KeyBinding.Context) -> String {
        let key = keyTable.key(action, in: context) ?? "?"
        return context == .prefix ? "\(prefix.name) \(key)" : key
    }

    func toggleSynchronized() {
        let count = workspace.toggleSynchronized()
        statusLine.show(workspace.synchronized ? "synchronized input on: keys go to \(count) marked panes" : "synchronized input off")
    }

    func moveFocus(_ direction: PaneLayout.Direction) {
        guard let id = workspace.focus.paneID else {
            // From the table, down (or any direction) enters the panes.
            if let target = workspace.lastPaneFocus ?? workspace.layout.paneIDs.first { focusPane(target) }
            return
        }
        if workspace.zoomed { return }
        let frames = workspace.layout.frames(in: areas.panes)
        if let next = PaneLayout.neighbour(of: id, direction, frames: frames) {
            focusPane(next)
        } else if direction == .up {
            setTableFocus(.instances)
        }
    }

    func applyLayout(_ preset: LayoutPreset) {
        guard !workspace.panes.isEmpty else {
            statusLine.show("no panes to lay out: Enter on an instance opens one")
            return
        }
        workspace.layout.apply(preset)
        workspace.zoomed = false
        relayout()
        statusLine.show("layout \(preset.rawValue)")
    }

    /// The container a session goes to when nobody picks one: the pod's
    /// default-container annotation, else its first (nil: one container or none named).
    func defaultContainer(of instanceId: String) -> String? {
        guard let instance = store.record(id: instanceId)?.instance, let containers = instance.containers,
              containers.count > 1 else { return nil }
        return instance.defaultContainer ?? containers.first
    }

    /// Opens a pane on an instance; one with several containers (a pod) and none
    /// named asks which first (and opens nothing yet: nil).
    @discardableResult
    func openPane(functionName: String, instanceId: String, purpose: PanePurpose, axis: SplitAxis = .beside, container: String? = nil) -> PaneID? {
        let record = store.record(id: instanceId)
        // An ended instance's log may still be there (why did it stop?): the platform says.
        if let record, !purpose.isLog, record.isGone || !record.instance.status.isLive {
            statusLine.show("instance \(instanceId) is \(record.instance.status.rawValue.lowercased()): exec needs a live instance", error: true)
            return nil
        }
        if container == nil, let instance = record?.instance, let containers = instance.containers, containers.count > 1 {
            overlay = .containers(ContainerPicker(
                functionName: functionName, instanceId: instanceId, containers: containers,
                defaultContainer: instance.defaultContainer, purpose: purpose, axis: axis))
            return nil
        }
        if purpose.isLog, !roomForAnotherLog() { return nil }
        let id = workspace.makePaneID()
        let pane = Pane(id: id, functionName: functionName, instanceId: instanceId, purpose: purpose, container: container)
        workspace.panes[id] = pane
        workspace.layout.insert(id, nextTo: workspace.focus.paneID ?? workspace.lastPaneFocus, axis: axis)
        workspace.zoomed = false
        focusPane(id)
        relayout()
        pane.connect(backend: backend, inbox: inbox, idleTimeout: options.sessionIdleTimeout)
        refresher.refreshSoon()
        return id
    }

    /// Whether another log pane may open: each reading log holds one of the
    /// client's 64 connections to the server for as long as it follows, and
    /// past that the table's refresh and every other request would wait for
    /// one in vain (the table goes stale). Says why on the status line when not.
    func roomForAnotherLog() -> Bool {
        let reading = workspace.panes.values.filter { $0.purpose.isLog && !$0.state.isFinished }.count
        guard reading >= Self.maxReadingLogs else { return true }
        statusLine.show(
            "not opening another log: \(reading) log panes are reading already, each holding one of the 64 connections to the server; close one (\(keyName(.closePane, .prefix))) first",
            error: true)
        return false
    }

    func reconnect(_ pane: Pane) {
        guard pane.state.isFinished else { return }
        if pane.purpose.isLog {
            guard roomForAnotherLog() else { return }
            let recording = startRecordingWithSession(pane)
            pane.connect(backend: backend, inbox: inbox, idleTimeout: nil)
            statusLine.show("reading the log of \(pane.instanceId) again…" + (recording.map { " recording to \($0)" } ?? ""))
            return
        }
        if let record = store.record(id: pane.instanceId), record.isGone || !record.instance.status.isLive {
            statusLine.show("instance \(pane.instanceId) is gone: it cannot be reconnected; \(prefix.name) x closes the pane", error: true)
            return
        }
        let recording = startRecordingWithSession(pane)
        pane.connect(backend: backend, inbox: inbox, idleTimeout: options.sessionIdleTimeout)
        statusLine.show("reconnecting to \(pane.instanceId)…" + (recording.map { " recorded from the start, so the audit log names it: \($0)" } ?? ""),
                        seconds: recording == nil ? 5 : 10)
    }

    func closePane(_ id: PaneID) {
        let (pane, next) = workspace.remove(id)
        guard let pane else { return }
        let recording = pane.recorder.path
        pane.close()
        if let recording { statusLine.show("pane closed; recording saved: \(recording)", seconds: 10) }
        if let next { focusPane(next) }
        relayout()
    }

    /// A key in a log pane: nothing is sent anywhere. Scrolling and search keys
    /// open the scrollback view (as k9s's log view scrolls), `q`/Esc return to
    /// the table, Enter reopens an ended log; the status line says once that
    /// other keys go nowhere.
    func handleLogPaneKey(_ press: KeyPress, _ pane: Pane) {
        if pane.state.isFinished, keyTable.action(for: press, in: .pane) == .reconnectEnded {
            reconnect(pane)
            return
        }
        switch keyTable.action(for: press, in: .scrollback) {
        case .leave:
            setTableFocus(.instances)
        case .up, .down, .pageUp, .pageDown, .first, .search, .selectLines:
            pane.scrollback = ScrollbackView(pane.terminal)
            handleScrollbackKey(press, pane)
        default:
            guard !pane.toldReadOnly else { return }
            pane.toldReadOnly = true
            let key = { (action: ConsoleAction) in self.keyTable.key(action, in: .scrollback) ?? "?" }
            statusLine.show("a log pane is read-only: keys typed here go nowhere · \(key(.pageUp)) scrolls back · \(key(.search)) searches · "
                            + "\(key(.leave)) back to the table · \(keyName(.closePane, .prefix)) closes", seconds: 8)
        }
    }

    /// Copies lines of a pane (numbered as in `ScrollbackView`) to the clipboard;
    /// refused (false, with a status message) when some of them have dropped
    /// out of the scrollback since they were chosen, rather than copy others.
    @discardableResult
    func copyLines(_ lines: ClosedRange<Int>, of pane: Pane) -> Bool {
        let held = ScrollbackView.lines(pane.terminal)
        guard lines.lowerBound >= held.lowerBound else {
            let gone = min(lines.count, held.lowerBound - lines.lowerBound)
            let what = gone == lines.count ? "the selected lines have" : "\(gone) of the \(lines.count) selected lines have"
            statusLine.show("not copied: \(what) left the scrollback since they were selected (it keeps the newest \(pane.terminal.scrollbackLimit) lines); select again", error: true)
            return false
        }
        let text = ScrollbackView.text(pane.terminal, lines: lines)
        return copyToClipboard(text, what: "\(lines.count) line\(lines.count == 1 ? "" : "s")")
    }

    func handleScrollbackKey(_ press: KeyPress, _ pane: Pane) {
        guard var view = pane.scrollback else { return }
        let terminal = pane.terminal
        let action = keyTable.action(for: press, in: .scrollback)
        let selecting = view.selection != nil
        switch action {
        case .up where selecting: view.extendSelection(by: -1, terminal)
        case .down where selecting: view.extendSelection(by: 1, terminal)
        case .pageUp where selecting: view.extendSelection(by: -(terminal.rows - 1), terminal)
        case .pageDown where selecting: view.extendSelection(by: terminal.rows - 1, terminal)
        case .first where selecting: view.extendSelection(by: -ScrollbackView.lines(terminal).count, terminal)
        case .last where selecting: view.extendSelection(by: ScrollbackView.lines(terminal).count, terminal)
        case .leave where selecting: view.selection = nil
        case .selectLines:
            if selecting { view.selection = nil } else { view.startSelection(terminal) }
        case .copySelection:
            guard let lines = view.selectedLines else {
                statusLine.show("nothing selected: \(keyName(.selectLines, .scrollback)) starts a selection", error: true)
                break
            }
            if copyLines(lines, of: pane) { pane.scrollback = nil }
        case .up: view.scroll(by: 1, terminal)
        case .down: view.scroll(by: -1, terminal)
        case .pageUp: view.scroll(by: terminal.rows - 1, terminal)
        case .pageDown: view.scroll(by: -(terminal.rows - 1), terminal)
        case .first: view.scrollToOldest(terminal)
        case .last: view.scrollToNewest(terminal)
        case .leave: pane.scrollback = nil
        case .search: commandBar.open(.search(pane.id))
        case .searchOlder, .searchNewer:
            if let term = view.searchTerm, !view.search(term, older: action == .searchOlder, terminal) {
                statusLine.show("no more matches for \"\(term)\"")
            }
        default: break
        }
        if pane.scrollback != nil { pane.scrollback = view }
        pane.needsFullRedraw = true
        pane.chromeDirty = true
        panesDirty = true
    }
}
