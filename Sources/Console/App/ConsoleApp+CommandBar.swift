/// The `:` command bar and the `/` filter.
extension ConsoleApp {
    func handleCommandBarKey(_ press: KeyPress) {
        guard let purpose = commandBar.purpose else { return }
        if press.key == .tab, case .actionInput(let request) = purpose {
            cycleChoice(request)
            return
        }
        if press.key == .tab, case .transfer(let prompt) = purpose, prompt.isRemote {
            listRemotePaths(prompt)
            return
        }
        switch press.key {
        case .escape:
            commandBar.close(submitted: false)
            if purpose == .filter {
                instanceTable.query.filter = ""
                reloadTable()
            }
        case .enter:
            let text = commandBar.text.trimmingWhitespace()
            commandBar.close(submitted: true)
            submit(text, purpose: purpose)
        case .character("\u{3}"):
            commandBar.close(submitted: false)
        default:
            _ = commandBar.edit(press)
            updateLiveFilter()
        }
    }

    func updateLiveFilter() {
        guard commandBar.purpose == .filter else { return }
        instanceTable.query.filter = commandBar.text
        reloadTable()
    }

    func submit(_ text: String, purpose: CommandBar.Purpose) {
        switch purpose {
        case .filter:
            instanceTable.query.filter = text
            reloadTable()
        case .run(let function, let id):
            guard !text.isEmpty else { return }
            openPane(functionName: function, instanceId: id, purpose: .command(text))
        case .search(let paneID):
            guard let pane = workspace.panes[paneID], var view = pane.scrollback, !text.isEmpty else { return }
            view.match = nil
            if !view.search(text, older: true, pane.terminal) {
                statusLine.show("\"\(text)\" not found in the scrollback", error: true)
            }
            view.searchTerm = text
            pane.scrollback = view
            pane.needsFullRedraw = true
        case .transfer(let prompt):
            submitTransferPath(text, prompt)
        case .actionInput(let request):
            submitActionInput(text, request)
        case .command:
            guard !text.isEmpty else { return }
            do {
                execute(try ConsoleCommand.parse(text))
            } catch {
                statusLine.show("\(error)", error: true)
            }
        }
    }

    func execute(_ command: ConsoleCommand) {
        switch command {
        case .login(let id):
            guard let record = resolveInstance(id) else { return }
            openPane(functionName: record.instance.functionName, instanceId: record.id, purpose: .login)
        case .exec(let id, let line):
            guard let record = resolveInstance(id) else { return }
            openPane(functionName: record.instance.functionName, instanceId: record.id, purpose: .command(line))
        case .logs(let id, let previous):
            guard let record = resolveInstance(id) else { return }
            openPane(functionName: record.instance.functionName, instanceId: record.id, purpose: .logs(previous: previous))
        case .layout(let preset):
            applyLayout(preset)
        case .theme(let name):
            do {
                let loaded = try catalog.load(name)
                theme = loaded
                screen?.use(theme: loaded)
                fullRedraw = true
                statusLine.show("theme \(loaded.name)")
            } catch {
                statusLine.show("\(error)", error: true, seconds: 10)
            }
        case .sort(let column):
            instanceTable.query.sort(by: column)
            reloadTable()
        case .scale(let function, let count):
            let backend = self.backend
            let inbox = self.inbox
            statusLine.show("setting \(function) to \(count) provisioned instances…")
            Task.detached {
                do {
                    try await backend.setProvisioned(function: function, target: count)
                    inbox.post(.notice("\(function) keeps \(count) provisioned instance\(count == 1 ? "" : "s")", error: false))
                } catch {
                    inbox.post(.notice("cannot scale \(function): \(error)", error: true))
                }
            }
            refresher.refreshSoon()
        case .help:
            overlay = .help(HelpView())
        case .quit:
            requestQuit()
        }
    }

    /// An instance by full id or unambiguous prefix, across all functions.
    func resolveInstance(_ text: String) -> InstanceRecord? {
        if let exact = store.record(id: text) { return exact }
        let matches = store.instances(of: nil).filter { $0.id.hasPrefix(text) && !$0.isGone }
        if matches.count == 1 { return matches[0] }
        if matches.isEmpty {
            statusLine.show("no instance \(text) on \(contextName)", error: true)
        } else {
            statusLine.show("\(text) matches \(matches.count) instances: type more of the id", error: true)
        }
        return nil
    }
}
