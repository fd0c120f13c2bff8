/// Keys from the user: dispatch by focus, and the instance and function tables.
extension ConsoleApp {
    func handle(_ event: InputEvent) {
        // A key typed into a pane changes nothing around it: redrawing the header,
        // tables and borders for it would only delay its echo.
        if case .key(let press) = event, let pane = plainPaneKeyTarget(press) {
            handlePaneKey(press, pane)
            return
        }
        chromeDirty = true
        switch event {
        case .resize:
            screen?.adoptTerminalSize()
            relayout()
        case .mouse(let mouse):
            handleMouse(mouse)
        case .paste(let text):
            if commandBar.isOpen {
                commandBar.paste(text)
                updateLiveFilter()
            } else if let id = workspace.focus.paneID, let pane = workspace.panes[id] {
                if pane.purpose.isLog {
                    statusLine.show("a log pane is read-only: the paste went nowhere", error: true)
                    return
                }
                for target in workspace.inputTargets(from: pane) { target.paste(text) }
            }
        case .key(let press):
            handleKey(press)
        }
    }

    func handleKey(_ press: KeyPress) {
        if commandBar.isOpen {
            handleCommandBarKey(press)
            return
        }
        if let overlay {
            handleOverlayKey(press, overlay)
            return
        }
        if workspace.awaitingPrefix {
            workspace.awaitingPrefix = false
            handlePrefixCommand(press)
            return
        }
        if press == prefix.press {
            workspace.awaitingPrefix = true
            return
        }
        if let id = workspace.focus.paneID, let pane = workspace.panes[id] {
            handlePaneKey(press, pane)
        } else {
            handleTableKey(press)
        }
    }

    /// The focused pane, when `press` goes straight to its program (no command
    /// bar, overlay, prefix or scrollback; the session not ended).
    func plainPaneKeyTarget(_ press: KeyPress) -> Pane? {
        guard !commandBar.isOpen, overlay == nil, !workspace.awaitingPrefix, press != prefix.press,
              let id = workspace.focus.paneID, let pane = workspace.panes[id],
              pane.scrollback == nil, !pane.state.isFinished, !pane.purpose.isLog else { return nil }
        return pane
    }

    func handleTableKey(_ press: KeyPress) {
        guard let action = keyTable.action(for: press, in: .table) else {
            if let quick = quickAction(for: press) { beginQuickAction(quick) }
            return
        }
        let onFunctions = workspace.focus == .functions
        switch action {
        case .up: move(by: -1, onFunctions: onFunctions)
        case .down: move(by: 1, onFunctions: onFunctions)
        case .pageUp: move(by: -instanceTable.pageSize, onFunctions: onFunctions)
        case .pageDown: move(by: instanceTable.pageSize, onFunctions: onFunctions)
        case .first: onFunctions ? selectFunction(store.functions.first?.functionName) : instanceTable.moveToEnd(false)
        case .last: onFunctions ? selectFunction(store.functions.last?.functionName) : instanceTable.moveToEnd(true)
        case .previousFunction: shiftFunction(by: -1)
        case .nextFunction: shiftFunction(by: 1)
        case .focusNext: cycleFocus(forward: true)
        case .focusPrevious: cycleFocus(forward: false)
        case .open:
            if onFunctions { workspace.focus = .instances } else { loginSelected() }
        case .clearFilter:
            if !instanceTable.query.filter.isEmpty {
                instanceTable.query.filter = ""
                reloadTable()
            }
        case .login: loginSelected()
        case .logs: logsOfSelected(previous: false)
        case .previousLogs: logsOfSelected(previous: true)
        case .loginEveryInstance: requestEveryInstance(everyInstanceFunction)
        case .run: runInSelected()
        case .details: showDetail()
        case .menu: openMenu(anchor: nil)
        case .copyID: copySelectedID()
        case .filter: commandBar.open(.filter, initial: instanceTable.query.filter)
        case .command: commandBar.open(.command)
        case .help: overlay = .help(HelpView())
        case .download, .upload:
            if let record = instanceTable.selected {
                promptTransfer(download: action == .download, functionName: record.instance.functionName, instanceId: record.id)
            } else {
                statusLine.show("no instance selected", error: true)
            }
        case .transfers: openTransfers()
        case .sortPrevious:
            instanceTable.query.shiftSort(by: -1)
            reloadTable()
        case .sortNext:
            instanceTable.query.shiftSort(by: 1)
            reloadTable()
        case .reverseSort:
            instanceTable.query.descending.toggle()
            reloadTable()
        case .quit: requestQuit()
        default: break
        }
    }

    func move(by step: Int, onFunctions: Bool) {
        if onFunctions {
            functionList.move(by: step, in: store.functions)
            reloadTable()
        } else {
            instanceTable.move(by: step)
        }
    }

    func selectFunction(_ name: String?) {
        functionList.select(name)
        reloadTable()
    }

    func shiftFunction(by step: Int) {
        functionList.move(by: step, in: store.functions)
        reloadTable()
    }

    func cycleFocus(forward: Bool) {
        let next = workspace.cycledFocus(forward: forward)
        if let id = next.paneID { focusPane(id) } else { setTableFocus(next) }
    }

    func setTableFocus(_ target: Focus) {
        if let id = workspace.focus.paneID { workspace.panes[id]?.chromeDirty = true }
        workspace.focus = target
        if workspace.zoomed {
            workspace.zoomed = false
            relayout()
        }
    }

    func focusPane(_ id: PaneID) {
        if let old = workspace.focus.paneID { workspace.panes[old]?.chromeDirty = true }
        workspace.focus = .pane(id)
        workspace.lastPaneFocus = id
        workspace.panes[id]?.chromeDirty = true
        if workspace.zoomed { relayout() }
    }
}
