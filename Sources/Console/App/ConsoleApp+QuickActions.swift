import ExecCore
import FileTransfer
import Foundation
import Platform

/// Quick actions from actions.yaml: asking for inputs, the confirmation,
/// running the command (in a pane, in the background, or locally) and
/// fetching its `download:` file when it ends.
extension ConsoleApp {
    /// The quick action bound to `press`, if any.
    func quickAction(for press: KeyPress) -> QuickAction? {
        // As in the table: Ctrl and Alt with a character are not these keys.
        if case .character = press.key, !press.modifiers.subtracting(.shift).isEmpty { return nil }
        return quickActions.first { $0.key.matches(press) }
    }

    /// Starts `action` on the selected instance (or the selected function).
    func beginQuickAction(_ action: QuickAction, functionName: String? = nil, instanceId: String? = nil) {
        switch action.scope {
        case .instance:
            let record = instanceId.flatMap { store.record(id: $0) } ?? instanceTable.selected
            guard let record else {
                statusLine.show("\(action.description): no instance selected", error: true)
                return
            }
            if record.isGone || !record.instance.status.isLive {
                statusLine.show("\(action.description): instance \(record.id) is \(record.instance.status.rawValue.lowercased()); actions need a live instance", error: true)
                return
            }
            continueQuickAction(QuickActionRequest(action: action, functionName: record.instance.functionName, instanceId: record.id))
        case .function:
            guard let function = functionName ?? functionList.selectedName else {
                statusLine.show("\(action.description): no function selected", error: true)
                return
            }
            continueQuickAction(QuickActionRequest(action: action, functionName: function, instanceId: nil))
        }
    }

    /// Asks the next input, then the confirmation, then runs.
    func continueQuickAction(_ request: QuickActionRequest) {
        if let input = request.nextInput {
            commandBar.open(.actionInput(request), initial: input.defaultValue ?? "")
            return
        }
        if request.action.confirm != nil {
            overlay = .confirmAction(request)
            return
        }
        runQuickAction(request)
    }

    /// A value typed for the request's next input.
    func submitActionInput(_ text: String, _ request: QuickActionRequest) {
        guard let input = request.nextInput else { return }
        switch input.accept(text) {
        case .success(let value):
            var next = request
            next.values[input.name] = value
            next.refusal = nil
            continueQuickAction(next)
        case .failure(let refusal):
            var again = request
            again.refusal = "\(refusal)"
            commandBar.open(.actionInput(again), initial: text)
        }
    }

    /// Tab at a choice input: the next choice.
    func cycleChoice(_ request: QuickActionRequest) {
        guard let input = request.nextInput, input.kind == .choice, !input.choices.isEmpty else { return }
        let index = input.choices.firstIndex(of: commandBar.text).map { ($0 + 1) % input.choices.count } ?? 0
        commandBar.open(.actionInput(request), initial: input.choices[index])
    }

    func handleConfirmActionKey(_ press: KeyPress, _ request: QuickActionRequest) {
        closeOverlay()
        if press == .char("y") || press == .char("Y") {
            runQuickAction(request)
        } else {
            statusLine.show("\(request.action.description): not run")
        }
    }

    /// `export PORTHOLE_INSTANCE=… PORTHOLE_FUNCTION=… PORTHOLE_CONTEXT=…; COMMAND`.
    func remoteCommandLine(_ request: QuickActionRequest) -> String {
        let q = QuickAction.shellQuoted
        return "export PORTHOLE_INSTANCE=\(q(request.instanceId ?? "")) PORTHOLE_FUNCTION=\(q(request.functionName)) "
            + "PORTHOLE_CONTEXT=\(q(contextName)); " + request.action.commandLine(values: request.values)
    }

    func runQuickAction(_ request: QuickActionRequest) {
        let action = request.action
        if action.local {
            runLocalAction(request)
            return
        }
        guard let instanceId = request.instanceId else { return }
        switch action.output {
        case .pane:
            let purpose = PanePurpose.action(label: action.description, line: remoteCommandLine(request))
            // Actions run in the default container, as background ones do (no picker in between).
            guard let paneID = openPane(
                functionName: request.functionName, instanceId: instanceId, purpose: purpose,
                container: defaultContainer(of: instanceId)) else { return }
            if action.download != nil { paneDownloads[paneID] = request }
        case .background:
            runRemoteAction(request, instanceId: instanceId)
        }
    }

    /// Runs the command over exec with no terminal; the job ends with its exit code and last output line.
    func runRemoteAction(_ request: QuickActionRequest, instanceId: String) {
        let job = jobs.add(functionName: request.functionName, instanceId: instanceId, kind: .action(request.action.description), progress: nil)
        if request.action.download != nil { jobDownloads[job.id] = request }
        let tail = OutputTail()
        let exec = ExecRequest(
            functionName: request.functionName, instanceId: instanceId, command: ["/bin/sh", "-c", remoteCommandLine(request)],
            stdin: false, stdout: true, stderr: true)
        let backend = self.backend
        let inbox = self.inbox
        let id = job.id
        let name = request.action.description
        let handlers = ExecCallbacks(onStdout: { tail.append($0) }, onStderr: { tail.append($0) })
        let task = Task.detached {
            do {
                let session = try await backend.openExec(exec, handlers: handlers)
                let end = await withTaskCancellationHandler { await session.wait() } onCancel: { session.cancel() }
                inbox.post(.jobEnded(id, ConsoleApp.actionOutcome(name, in: instanceId, end: end, tail: tail.lastLine, cancelled: Task.isCancelled)))
            } catch {
                inbox.post(.jobEnded(id, .failed("\(name) in \(instanceId): \(error)")))
            }
        }
        job.stop = { task.cancel() }
        lastJobTick = .distantPast
        statusLine.show("⚡ \(name): running in \(instanceId) · \(keyName(.transfers, .table)) shows it", seconds: 3)
    }

    static func actionOutcome(_ name: String, in target: String, end: ExecEnd, tail: String, cancelled: Bool) -> JobOutcome {
        let said = tail.isEmpty ? "" : ": \(tail)"
        if cancelled { return .cancelled("\(name) in \(target) stopped\(said)") }
        if case .exited(0) = end { return .succeeded("⚡ \(name) in \(target): done\(said)") }
        return .failed("⚡ \(name) in \(target): \(end.description)\(said)")
    }

    /// Runs the command on this machine with the instance in the environment, on a thread of its own.
    func runLocalAction(_ request: QuickActionRequest) {
        let job = jobs.add(functionName: request.functionName, instanceId: request.instanceId ?? "", kind: .action(request.action.description), progress: nil)
        var environment = ProcessInfo.processInfo.environment
        environment["PORTHOLE_INSTANCE"] = request.instanceId ?? ""
        environment["PORTHOLE_FUNCTION"] = request.functionName
        environment["PORTHOLE_CONTEXT"] = contextName
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", request.action.commandLine(values: request.values)]
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let inbox = self.inbox
        let id = job.id
        let name = request.action.description
        let target = request.targetName
        do {
            try process.run()
        } catch {
            job.finish(.failed("\(name): cannot run /bin/sh: \(error)"))
            statusLine.show("\(name): cannot run /bin/sh: \(error)", error: true)
            return
        }
        let pid = process.processIdentifier
        let stopped = StopFlag()
        job.stop = {
            stopped.set()
            kill(pid, SIGTERM)
        }
        let reader = Thread {
            let tail = OutputTail()
            let handle = pipe.fileHandleForReading
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                tail.append(Array(data))
            }
            process.waitUntilExit()
            let status = process.terminationStatus
            let end: ExecEnd = process.terminationReason == .exit ? .exited(code: status) : .exited(code: 128 + status)
            inbox.post(.jobEnded(id, ConsoleApp.actionOutcome(name, in: "\(target) (local)", end: end, tail: tail.lastLine, cancelled: stopped.isSet)))
        }
        reader.name = "porthole-action-\(id)"
        reader.start()
        lastJobTick = .distantPast
        statusLine.show("⚡ \(name): running here for \(target)", seconds: 3)
    }

    /// A pane's session ended: fetch the action's file if the command succeeded.
    func actionPaneEnded(_ paneID: PaneID, _ end: ExecEnd) {
        guard let request = paneDownloads.removeValue(forKey: paneID) else { return }
        if case .exited(0) = end {
            fetchActionDownload(request)
        } else {
            skippedActionDownload(request, because: end.summary)
        }
    }

    /// Downloads the action's `download:` file into the current directory, under a name not yet taken.
    func fetchActionDownload(_ request: QuickActionRequest) {
        guard let template = request.action.download, let instanceId = request.instanceId else { return }
        let remote = request.action.plain(template, values: request.values)
        let local = Self.freeLocalPath(for: (remote as NSString).lastPathComponent, in: TransferPrompt.currentDirectory)
        startTransfer(functionName: request.functionName, instanceId: instanceId, kind: .download(remotePath: remote, localPath: local))
    }

    func skippedActionDownload(_ request: QuickActionRequest, because reason: String) {
        let path = request.action.download.map { request.action.plain($0, values: request.values) } ?? ""
        statusLine.show("\(request.action.description) \(reason): \(path) not downloaded", error: true, seconds: 10)
    }

    /// `directory/name`, or `name-1.ext`, `name-2.ext`… when it exists: an earlier capture is never overwritten.
    static func freeLocalPath(for name: String, in directory: String) -> String {
        let base = (name as NSString).deletingPathExtension
        let ext = (name as NSString).pathExtension
        var candidate = "\(directory)/\(name)"
        var number = 1
        while FileManager.default.fileExists(atPath: candidate) || (try? FileManager.default.destinationOfSymbolicLink(atPath: candidate)) != nil {
            candidate = "\(directory)/\(base)-\(number)" + (ext.isEmpty ? "" : ".\(ext)")
            number += 1
        }
        return candidate
    }
}

extension ConsoleApp {
    /// The `confirm:` question: its text, where it runs, the command, y/n.
    func drawConfirmAction(_ request: QuickActionRequest, on screen: Screen, in area: Rect) {
        let action = request.action
        let question = action.plain(action.confirm ?? "Run \"\(action.description)\"?", values: request.values)
        let place = action.local ? "on this machine, for \(request.targetName)" : "in \(request.targetName)"
        let command = action.command.split(whereSeparator: \.isNewline).map(String.init)
        var shown = Array(command.prefix(6)) + (command.count > 6 ? ["…"] : [])
        for input in action.inputs { shown.append("{{\(input.name)}} = \(request.values[input.name] ?? "")") }
        let width = min(100, area.width)
        let asked = Self.wrap(question, width: width - 4, lines: 4)
        let rect = OverlayFrame.centred(width: width, height: 7 + asked.count + shown.count, in: area)
        OverlayFrame.draw(on: screen, rect, title: "⚡ \(action.description)")
        let inner = rect.inset(by: 1)
        let pen = screen.pen(.dialog)
        for (index, line) in asked.enumerated() {
            screen.put(line, row: inner.y + 1 + index, col: inner.x + 1, width: inner.width - 2, pen: screen.pen(.dialogTitle))
        }
        let top = inner.y + 1 + asked.count
        screen.put("runs \(place):", row: top, col: inner.x + 1, width: inner.width - 2, pen: pen)
        for (index, line) in shown.enumerated() {
            screen.put("  " + line, row: top + 1 + index, col: inner.x + 1, width: inner.width - 2, pen: pen)
        }
        let y = top + 2 + shown.count
        screen.put("y", row: y, col: inner.x + 1, width: 1, pen: screen.pen(.dialogKey))
        screen.put(" run   any other key: cancel", row: y, col: inner.x + 2, width: inner.width - 3, pen: pen)
    }

    /// `text` broken at spaces into at most `lines` lines of `width` columns.
    static func wrap(_ text: String, width: Int, lines: Int) -> [String] {
        var out: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty, Screen.width(of: current) + 1 + Screen.width(of: String(word)) > width {
                out.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + word
        }
        if !current.isEmpty { out.append(current) }
        return Array(out.prefix(max(1, lines)))
    }
}
