/// Panes: keys for them, the prefix commands, layouts, opening and closing, scrollback.
extension ConsoleApp {
    func handlePaneKey(_ press: KeyPress, _ pane: Pane) {
        if pane.scrollback != nil {
            handleScrollbackKey(press, pane)
            return
        }
        if pane.state.isFinished {
            if press.key == .enter {
                reconnect(pane)
            } else {
                statusLine.show("the session has ended (\(pane.state.summary)): Enter reconnects, \(prefix.name) x closes, \(prefix.name) Tab returns to the table")
            }
            return
        }
        for target in inputTargets(from: pane) { target.send(press) }
    }

    /// The panes a key typed in `pane` goes to: with synchronized input on, every
    /// marked pane as well.
    func inputTargets(from pane: Pane) -> [Pane] {
        guard synchronized else { return [pane] }
        var targets = [pane]
        for id in layout.paneIDs where id != pane.id {
            if let other = panes[id], other.marked, other.state.isOpen { targets.append(other) }
        }
        return targets
    }

    func handlePrefixCommand(_ press: KeyPress) {
        let current = focus.paneID.flatMap { panes[$0] }
        if press == prefix.press {
            if let current { for target in inputTargets(from: current) { target.send(press) } }
            return
        }
        switch press.key {
        case .up: moveFocus(.up)
        case .down: moveFocus(.down)
        case .left: moveFocus(.left)
        case .right: moveFocus(.right)
        case .tab: setTableFocus(.instances)
        case .character(" "):
            let next = layout.preset?.next ?? .evenHorizontal
            applyLayout(next)
        case .character(let c):
            switch c {
            case "o":
                let ids = layout.paneIDs
                if let current, let index = ids.firstIndex(of: current.id) {
                    focusPane(ids[(index + 1) % ids.count])
                } else if let first = ids.first {
                    focusPane(first)
                }
            case "z":
                guard current != nil || lastPaneFocus != nil else { return }
                if current == nil, let id = lastPaneFocus { focusPane(id) }
                zoomed.toggle()
                relayout()
            case "x":
                if let current { closePane(current.id) }
            case "m":
                guard let current else { return }
                current.marked.toggle()
                marksAreAutomatic = false
                current.chromeDirty = true
                statusLine.show(current.marked ? "pane marked for synchronized input" : "pane unmarked")
            case "s":
                toggleSynchronized()
            case "[":
                guard let current else { return }
                current.scrollback = ScrollbackView()
                current.needsFullRedraw = true
                current.chromeDirty = true
            case "r":
                if let current { reconnect(current) }
            case "%", "|":
                if let current { openPane(functionName: current.functionName, instanceId: current.instanceId, purpose: .login, axis: .beside) }
            case "\"", "-":
                if let current { openPane(functionName: current.functionName, instanceId: current.instanceId, purpose: .login, axis: .below) }
            case ":": commandBar.open(.command)
            case "?": overlay = .help(HelpView())
            default:
                statusLine.show("\(prefix.name) \(c) does nothing; \(prefix.name) ? lists the keys", error: true)
            }
        default:
            break
        }
    }

    func toggleSynchronized() {
        synchronized.toggle()
        if synchronized, !panes.values.contains(where: \.marked) {
            // Nothing marked yet: synchronize every pane, as tmux does, and unmark them again after.
            for pane in panes.values { pane.marked = true }
            marksAreAutomatic = true
        } else if !synchronized, marksAreAutomatic {
            for pane in panes.values { pane.marked = false }
            marksAreAutomatic = false
        }
        for pane in panes.values { pane.chromeDirty = true }
        let count = panes.values.filter(\.marked).count
        statusLine.show(synchronized ? "synchronized input on: keys go to \(count) marked panes" : "synchronized input off")
    }

    func moveFocus(_ direction: PaneLayout.Direction) {
        guard let id = focus.paneID else {
            // From the table, down (or any direction) enters the panes.
            if let target = lastPaneFocus ?? layout.paneIDs.first { focusPane(target) }
            return
        }
        if zoomed { return }
        let frames = layout.frames(in: areas.panes)
        if let next = PaneLayout.neighbour(of: id, direction, frames: frames) {
            focusPane(next)
        } else if direction == .up {
            setTableFocus(.instances)
        }
    }

    func applyLayout(_ preset: LayoutPreset) {
        guard !panes.isEmpty else {
            statusLine.show("no panes to lay out: Enter on an instance opens one")
            return
        }
        layout.apply(preset)
        zoomed = false
        relayout()
        statusLine.show("layout \(preset.rawValue)")
    }

    func openPane(functionName: String, instanceId: String, purpose: PanePurpose, axis: SplitAxis = .beside) {
        if let record = store.record(id: instanceId), record.isGone || !record.instance.status.isLive {
            statusLine.show("instance \(instanceId) is \(record.instance.status.rawValue.lowercased()): exec needs a live instance", error: true)
            return
        }
        let id = PaneID(value: nextPaneNumber)
        nextPaneNumber += 1
        let pane = Pane(id: id, functionName: functionName, instanceId: instanceId, purpose: purpose)
        panes[id] = pane
        layout.insert(id, nextTo: focus.paneID ?? lastPaneFocus, axis: axis)
        zoomed = false
        focusPane(id)
        relayout()
        pane.connect(backend: backend, inbox: inbox, idleTimeout: options.sessionIdleTimeout)
        refresher.refreshSoon()
    }

    func reconnect(_ pane: Pane) {
        guard pane.state.isFinished else { return }
        if let record = store.record(id: pane.instanceId), record.isGone || !record.instance.status.isLive {
            statusLine.show("instance \(pane.instanceId) is gone: it cannot be reconnected; \(prefix.name) x closes the pane", error: true)
            return
        }
        pane.connect(backend: backend, inbox: inbox, idleTimeout: options.sessionIdleTimeout)
        statusLine.show("reconnecting to \(pane.instanceId)…")
    }

    func closePane(_ id: PaneID) {
        guard let pane = panes[id] else { return }
        pane.close()
        let order = layout.paneIDs
        panes[id] = nil
        layout.remove(id)
        if lastPaneFocus == id { lastPaneFocus = nil }
        if focus == .pane(id) {
            let index = order.firstIndex(of: id) ?? 0
            let remaining = layout.paneIDs
            if remaining.isEmpty {
                focus = .instances
            } else {
                focusPane(remaining[min(index, remaining.count - 1)])
            }
        }
        if panes.isEmpty {
            zoomed = false
            synchronized = false
        }
        relayout()
    }

    func handleScrollbackKey(_ press: KeyPress, _ pane: Pane) {
        guard var view = pane.scrollback else { return }
        let terminal = pane.terminal
        switch press.key {
        case .up: view.scroll(by: 1, terminal)
        case .down: view.scroll(by: -1, terminal)
        case .pageUp: view.scroll(by: terminal.rows - 1, terminal)
        case .pageDown: view.scroll(by: -(terminal.rows - 1), terminal)
        case .home: view.scrollToOldest(terminal)
        case .end: view.scrollToNewest()
        case .escape: pane.scrollback = nil
        case .character(let c):
            switch c {
            case "k": view.scroll(by: 1, terminal)
            case "j": view.scroll(by: -1, terminal)
            case "g": view.scrollToOldest(terminal)
            case "G": view.scrollToNewest()
            case "q": pane.scrollback = nil
            case "/", "?":
                commandBar.open(.search(pane.id))
            case "n", "N":
                if let term = view.searchTerm, !view.search(term, older: c == "n", terminal) {
                    statusLine.show("no more matches for \"\(term)\"")
                }
            default: break
            }
        default: break
        }
        if pane.scrollback != nil { pane.scrollback = view }
        pane.needsFullRedraw = true
        pane.chromeDirty = true
        panesDirty = true
    }
}
