import Foundation

/// What can be done with the selected instance, and the overlays (menu, detail, help, confirm).
extension ConsoleApp {
    // MARK: Instance actions

    func loginSelected() {
        guard let record = instanceTable.selected else {
            statusLine.show("no instance selected", error: true)
            return
        }
        openPane(functionName: record.instance.functionName, instanceId: record.id, purpose: .login)
    }

    /// `o` / `p`: the selected instance's log (or its previous run's) in a read-only pane.
    func logsOfSelected(previous: Bool) {
        guard let record = instanceTable.selected else {
            statusLine.show("no instance selected", error: true)
            return
        }
        openPane(functionName: record.instance.functionName, instanceId: record.id, purpose: .logs(previous: previous))
    }

    func runInSelected() {
        guard let record = instanceTable.selected else {
            statusLine.show("no instance selected", error: true)
            return
        }
        commandBar.open(.run(functionName: record.instance.functionName, instanceId: record.id))
    }

    func showDetail(_ recordOverride: InstanceRecord? = nil) {
        guard let record = recordOverride ?? instanceTable.selected else {
            statusLine.show("no instance selected", error: true)
            return
        }
        let view = InstanceDetailView(functionName: record.instance.functionName, instanceId: record.id)
        overlay = .detail(view)
        let backend = self.backend
        let inbox = self.inbox
        let function = record.instance.functionName
        let id = record.id
        Task.detached {
            do {
                let detail = try await backend.describeInstance(function: function, id: id)
                inbox.post(.detail(id, .success(detail)))
            } catch {
                inbox.post(.detail(id, .failure(PlatformFailure(description: "\(error)"))))
            }
        }
    }

    func openMenu(anchor: (column: Int, row: Int)?) {
        guard let record = instanceTable.selected else {
            statusLine.show("no instance selected", error: true)
            return
        }
        let place = anchor ?? (areas.instances.x + 4, selectedRowY ?? areas.instances.y + 2)
        overlay = .menu(ActionMenu(functionName: record.instance.functionName, instanceId: record.id, anchor: place, quickActions: quickActions))
    }

    var selectedRowY: Int? {
        guard let id = instanceTable.selected?.id else { return nil }
        for row in areas.instances.y..<areas.instances.maxY where instanceTable.record(atRow: row)?.id == id {
            return row
        }
        return nil
    }

    func copySelectedID(_ id: String? = nil) {
        guard let id = id ?? instanceTable.selected?.id else {
            statusLine.show("no instance selected", error: true)
            return
        }
        copyToClipboard(id, what: id)
    }

    func choose(_ action: ActionMenu.Action, in menu: ActionMenu) {
        overlay = nil
        fullRedraw = true
        instanceTable.select(id: menu.instanceId)
        switch action {
        case .login: openPane(functionName: menu.functionName, instanceId: menu.instanceId, purpose: .login)
        case .run: commandBar.open(.run(functionName: menu.functionName, instanceId: menu.instanceId))
        case .details:
            if let record = store.record(id: menu.instanceId) { showDetail(record) }
        case .copyID: copySelectedID(menu.instanceId)
        case .everyInstance: requestEveryInstance(menu.functionName)
        case .download, .upload:
            promptTransfer(download: action == .download, functionName: menu.functionName, instanceId: menu.instanceId)
        case .logs, .previousLogs:
            openPane(functionName: menu.functionName, instanceId: menu.instanceId, purpose: .logs(previous: action == .previousLogs))
        }
    }

    func handleMenuOutcome(_ outcome: ActionMenu.Outcome, in menu: ActionMenu) {
        switch outcome {
        case .stay: break
        case .close: closeOverlay()
        case .choose(let action): choose(action, in: menu)
        case .quick(let action):
            closeOverlay()
            instanceTable.select(id: menu.instanceId)
            beginQuickAction(action, functionName: menu.functionName, instanceId: menu.instanceId)
        }
    }

    func choose(_ container: String, in picker: ContainerPicker) {
        closeOverlay()
        openPane(
            functionName: picker.functionName, instanceId: picker.instanceId, purpose: picker.purpose, axis: picker.axis,
            container: container)
    }

    // MARK: Overlays

    func handleOverlayKey(_ press: KeyPress, _ current: Overlay) {
        switch current {
        case .help(let view):
            switch press.key {
            case .up: view.scroll(by: -1)
            case .down: view.scroll(by: 1)
            case .pageUp: view.scroll(by: -10)
            case .pageDown: view.scroll(by: 10)
            case .character("k"): view.scroll(by: -1)
            case .character("j"): view.scroll(by: 1)
            default: closeOverlay()
            }
        case .menu(let menu):
            handleMenuOutcome(menu.handle(press), in: menu)
        case .transfers(let view):
            handleTransfersKey(press, view)
        case .confirmAction(let request):
            handleConfirmActionKey(press, request)
        case .containers(let picker):
            switch picker.handle(press) {
            case .stay: break
            case .close: closeOverlay()
            case .choose(let container): choose(container, in: picker)
            }
        case .detail(let view):
            switch press.key {
            case .up, .character("k"): view.scroll(by: -1)
            case .down, .character("j"): view.scroll(by: 1)
            case .pageUp: view.scroll(by: -10)
            case .pageDown: view.scroll(by: 10)
            case .escape, .character("q"), .character("d"), .enter: closeOverlay()
            default: break
            }
        case .confirmQuit:
            if press == .char("y") || press == .char("Y") {
                running = false
            } else {
                closeOverlay()
            }
        case .confirmEveryInstance(let function, _):
            closeOverlay()
            if press == .char("y") || press == .char("Y") {
                openEveryInstance(function)
            } else {
                statusLine.show("no panes opened")
            }
        }
    }

    func closeOverlay() {
        overlay = nil
        fullRedraw = true
    }

    func requestQuit() {
        // Log panes hold no session: quitting loses nothing the platform does not keep.
        if workspace.panes.values.contains(where: { !$0.state.isFinished && !$0.purpose.isLog }) || jobs.hasRunning {
            overlay = .confirmQuit
        } else {
            running = false
        }
    }
}
