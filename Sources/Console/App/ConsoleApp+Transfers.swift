import ExecCore
import FileTransfer
import Foundation
import Platform

/// "Download file…" and "Upload file…": the path prompts, the transfers run in
/// the background by `FileTransfer` (the engine of `porthole cp`), the
/// transfers overlay and cancelling.
extension ConsoleApp {
    /// The instance a transfer key means: the focused pane's, else the selected row's.
    func transferTarget() -> (functionName: String, instanceId: String)? {
        if let id = workspace.focus.paneID, let pane = workspace.panes[id] { return (pane.functionName, pane.instanceId) }
        if let record = instanceTable.selected { return (record.instance.functionName, record.id) }
        statusLine.show("no instance selected", error: true)
        return nil
    }

    func promptTransfer(download: Bool, functionName: String, instanceId: String) {
        let prompt = TransferPrompt(functionName: functionName, instanceId: instanceId, step: download ? .downloadSource : .uploadSource)
        commandBar.open(.transfer(prompt), initial: prompt.initialText)
    }

    /// A path typed at a transfer prompt: ask the next question, or start the copy.
    func submitTransferPath(_ text: String, _ prompt: TransferPrompt) {
        guard !text.isEmpty else {
            statusLine.show("nothing copied: no path given")
            return
        }
        var next = prompt
        next.hint = nil
        switch prompt.step {
        case .downloadSource:
            next.step = .downloadDestination(remotePath: text)
        case .uploadSource:
            next.step = .uploadDestination(localPath: TransferPrompt.expandingTilde(text))
        case .downloadDestination(let remote):
            startTransfer(functionName: prompt.functionName, instanceId: prompt.instanceId,
                          kind: .download(remotePath: remote, localPath: TransferPrompt.expandingTilde(text)))
            return
        case .uploadDestination(let local):
            startTransfer(functionName: prompt.functionName, instanceId: prompt.instanceId,
                          kind: .upload(localPath: local, remotePath: text))
            return
        }
        commandBar.open(.transfer(next), initial: next.initialText)
    }

    /// Starts a copy on a background task; its end comes back as `jobEnded`.
    @discardableResult
    func startTransfer(functionName: String, instanceId: String, kind: BackgroundJob.Kind) -> BackgroundJob? {
        let source: CopyOperand, destination: CopyOperand
        switch kind {
        case .download(let remote, let local): (source, destination) = (.remote(instance: instanceId, path: remote), .local(local))
        case .upload(let local, let remote): (source, destination) = (.local(local), .remote(instance: instanceId, path: remote))
        case .action: return nil
        }
        let progress = TransferProgress()
        let job = jobs.add(functionName: functionName, instanceId: instanceId, kind: kind, progress: progress)
        let backend = self.backend
        let inbox = self.inbox
        let id = job.id
        var options = TransferOptions(progress: progress)
        let name = job.shortName
        options.onNote = { note in inbox.post(.notice("\(name): \(note)", error: false)) }
        let arrow = if case .upload = kind { "↑" } else { "↓" }
        let task = Task.detached { [options] in
            do {
                let report = try await FileTransfer.copy(from: source, to: destination, backend: backend, options: options)
                // The hash first: it is what the status line must not cut off.
                inbox.post(.jobEnded(id, .succeeded("\(arrow) \(name) done: \(ConsoleApp.describe(report)) → \(report.destination)")))
            } catch {
                let cancelled = Task.isCancelled
                let sentence = "\(arrow) \(name) \(cancelled ? "cancelled" : "failed"): \(error)"
                inbox.post(.jobEnded(id, cancelled ? .cancelled(sentence) : .failed(sentence)))
            }
        }
        job.stop = { task.cancel() }
        lastJobTick = .distantPast
        statusLine.show("\(arrow) \(job.shortName): started · \(keyName(.transfers, .table)) shows transfers", seconds: 3)
        return job
    }

    /// "64.0 MiB, SHA-256 verified 3fa2…" (the whole hash of a file's bytes: what a user may compare).
    static func describe(_ report: TransferReport) -> String {
        var text = ByteCountText.short(report.streamBytes)
        if report.files > 1 { text += " in \(report.files) files" }
        switch report.verification {
        // A file's own hash can be compared with sha256sum; a tar stream's cannot, so it is not shown.
        case .sha256(let hash) where report.mode == .cat: text += ", SHA-256 verified \(hash)"
        case .sha256: text += ", SHA-256 of the tar stream verified"
        case .size: text += ", size checked (the instance cannot hash)"
        }
        return text
    }

    func jobEnded(_ id: Int, _ outcome: JobOutcome) {
        guard let job = jobs.job(id) else { return }
        switch outcome {
        case .succeeded(let text):
            job.finish(.succeeded(text))
            statusLine.show(text, seconds: 10)
        case .failed(let text):
            // A failure after the user cancelled is the cancellation.
            job.finish(job.cancelRequested ? .cancelled(text) : .failed(text))
            statusLine.show(text, error: !job.cancelRequested, seconds: 15)
        case .cancelled(let text):
            job.finish(.cancelled(text))
            statusLine.show(text, seconds: 10)
        }
        if let request = jobDownloads.removeValue(forKey: id) {
            if case .succeeded = outcome { fetchActionDownload(request) } else { skippedActionDownload(request, because: job.state.word) }
        }
    }

    func openTransfers() {
        overlay = .transfers(TransfersView())
    }

    func handleTransfersKey(_ press: KeyPress, _ view: TransfersView) {
        switch view.handle(press, jobs: jobs.jobs) {
        case .stay: break
        case .close: closeOverlay()
        case .cancel(let id):
            guard let job = jobs.job(id) else { return }
            if job.state.isRunning {
                job.cancel()
                statusLine.show("cancelling \(job.shortName)…")
            } else {
                statusLine.show("\(job.shortName) has already ended (\(job.state.word))")
            }
        }
    }

    /// Cancels running jobs on quit and waits a little for them to clean up
    /// (no half-written file stays behind).
    func stopJobs(timeout: TimeInterval = 3) {
        guard jobs.hasRunning else { return }
        for job in jobs.running { job.cancel() }
        let deadline = Date().addingTimeInterval(timeout)
        while jobs.hasRunning, Date() < deadline {
            for event in inbox.drain() {
                if case .jobEnded(let id, let outcome) = event { jobEnded(id, outcome) }
            }
            if jobs.hasRunning { usleep(20_000) }
        }
    }
}

/// Tab at a prompt for a path in the instance: completion from the instance's own listing.
extension ConsoleApp {
    /// Lists, in the background, the names in the instance that start with what is typed.
    func listRemotePaths(_ prompt: TransferPrompt) {
        let typed = commandBar.text
        let (directory, name) = TransferPrompt.split(typed)
        let request = ExecRequest(
            functionName: prompt.functionName, instanceId: prompt.instanceId,
            command: ["/bin/sh", "-c", TransferPrompt.completionScript, "sh", directory.isEmpty ? "." : directory, name],
            stdin: false, stdout: true, stderr: false)
        let listing = OutputTail(limit: 256 * 1024)
        let backend = self.backend
        let inbox = self.inbox
        Task.detached {
            guard let session = try? await backend.openExec(request, handlers: ExecCallbacks(onStdout: { listing.append($0) })) else {
                inbox.post(.remoteCompletion(typed: typed, names: []))
                return
            }
            _ = await session.wait()
            inbox.post(.remoteCompletion(typed: typed, names: listing.lines))
        }
    }

    /// The listing arrived: extend the line to what all names share, or show them in the prompt.
    func completeRemotePath(typed: String, names: [String]) {
        // The user moved on (typed more, or left the prompt): the answer is stale.
        guard case .transfer(var prompt)? = commandBar.purpose, prompt.isRemote, commandBar.text == typed else { return }
        let (directory, name) = TransferPrompt.split(typed)
        let common = TransferPrompt.commonPrefix(names)
        var text = typed
        if names.isEmpty {
            prompt.hint = "no match"
        } else if common.count > name.count {
            text = directory + common
            prompt.hint = names.count == 1 ? nil : "\(names.count) matches"
        } else {
            let shown = names.prefix(6).joined(separator: " ")
            prompt.hint = names.count > 6 ? "\(shown) … \(names.count) in all" : shown
        }
        commandBar.open(.transfer(prompt), initial: text)
        chromeDirty = true
    }
}
