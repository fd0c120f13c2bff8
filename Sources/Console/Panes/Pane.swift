import ExecCore
import Foundation
import Platform
import TerminalEmulator

/// One terminal pane: an emulated terminal fed by one exec session in one
/// instance. Lives on the UI thread; its session's callbacks only append to
/// `output` and post to the inbox.
final class Pane {
    let id: PaneID
    let functionName: String
    let instanceId: String
    let purpose: PanePurpose
    /// The container it runs in, when the instance has several and one was chosen.
    let container: String?
    let terminal: Terminal
    let output = PaneOutput()
    /// Set only by `Pane` and its log extension (`Pane+Logs`).
    var state: PaneState = .connecting
    /// Marked panes receive synchronized input.
    var marked = false
    /// The pane's recording, when one is on (`{prefix} R`).
    let recorder = PaneRecorder()
    /// The pane's next session is recorded from its start (the last one was
    /// recording when it ended, or `{prefix} R` was pressed on the ended pane).
    var recordsNextSession = false
    /// The platform no longer lists the instance as live (released, failed, vanished).
    var instanceGone = false
    /// Opened for an instance that appeared while its function's "every instance"
    /// panes were open; not in synchronized input until marked.
    var joinedLate = false
    /// Non-nil while the scrollback view is shown.
    var scrollback: ScrollbackView?
    /// The outer rectangle, border included.
    private(set) var frame = Rect.zero
    /// Every row must be drawn at the next frame (new frame, theme, overlay closed).
    var needsFullRedraw = true
    /// The border or title must be drawn at the next frame.
    var chromeDirty = true
    /// Programs' OSC 52 requests (set or read the clipboard) not yet looked at:
    /// the console decides, whichever way the pane was opened.
    var clipboardRequests: [ClipboardRequest] = []
    /// What the status line already said about this pane's programs and the
    /// clipboard ("blocked", "query"): each is said once.
    var clipboardNotices: Set<String> = []
    /// The session's idle clock (nil: no idle timeout to count down).
    var idleClock: IdleClock?
    /// A log pane's reading task (nil when none runs); cancelling it ends the request.
    var logReader: Task<Void, Never>?
    /// Holds the log pane's reader while its output waits past the high-water mark.
    var logGate: LogFlowGate?
    /// Counts a log pane's streams, so the events of one it replaced are ignored.
    var logGeneration = 0
    /// The status line said once that keys typed in this log pane go nowhere.
    var toldReadOnly = false

    var session: ExecSession? {
        if case .open(let session) = state { return session }
        return nil
    }

    var contentRect: Rect { frame.inset(by: 1) }

    /// Keys typed while the session is still connecting, sent once it opens
    /// (a user typing straight after Enter must not lose keystrokes).
    private var pendingInput: [UInt8] = []

    private func deliver(_ bytes: [UInt8]) {
        switch state {
        case .open(let session):
            session.send(bytes)
            idleClock?.touch()
        case .connecting: pendingInput.append(contentsOf: bytes)
        case .ended, .failed, .following, .logEnded: break
        }
    }

    init(id: PaneID, functionName: String, instanceId: String, purpose: PanePurpose, container: String? = nil, scrollbackLimit: Int = 10_000) {
        self.id = id
        self.container = container
        self.functionName = functionName
        self.instanceId = instanceId
        self.purpose = purpose
        terminal = Terminal(cols: 80, rows: 24, scrollbackLimit: scrollbackLimit)
        terminal.send = { [weak self] bytes in self?.deliver(bytes) }
        terminal.onTitleChange = { [weak self] _ in self?.chromeDirty = true }
        terminal.onClipboard = { [weak self] request in self?.clipboardRequests.append(request) }
    }

    /// The title drawn in the border: function, instance, what runs, the program's
    /// own title when it set one, and how the session ended.
    var title: String {
        var parts: String
        if purpose.isLog {
            // A log cannot retitle its pane (the filter drops titles anyway).
            parts = "\(purpose.label) · \(instanceId)" + (container.map { " (\($0))" } ?? "") + " · " + state.summary
        } else {
            parts = "\(functionName) / \(instanceId)" + (container.map { " (\($0))" } ?? "") + " · \(purpose.label)"
            if joinedLate { parts = "new · " + parts }
            let programTitle = terminal.title
            if !programTitle.isEmpty && !state.isFinished { parts += " · " + programTitle }
            if !state.isOpen { parts += " · " + state.summary }
        }
        if instanceGone { parts += " · gone" }
        if let view = scrollback {
            parts += " · scrollback"
            if let lines = view.selectedLines { parts += " · \(lines.count) line\(lines.count == 1 ? "" : "s") selected" }
        }
        if let idle = idleTitle { parts += " · " + idle }
        if recorder.isRecording {
            parts = "● REC · " + parts
        } else if recordsNextSession, state.isFinished {
            parts = "○ REC on reconnect · " + parts
        }
        return parts
    }

    /// Where a mouse drag started: a line (numbered as in `ScrollbackView`) and the cell.
    var dragStart: (line: Int, column: Int, row: Int)?

    /// The idle countdown in the title, while the session is open: as the last
    /// look at the clock saw it (`ConsoleApp.tickPanes`), so the title warns in
    /// the same pass as the status line does, never a second before it.
    var idleTitle: String? {
        guard state.isOpen, let idleClock else { return nil }
        return idleClock.shownText ?? idleClock.titleText(now: Date())
    }

    /// Moves the pane; a new content size resizes the emulator and tells the
    /// program (the tty gets SIGWINCH) — on every layout change.
    func place(in frame: Rect) {
        guard frame != self.frame else { return }
        self.frame = frame
        let content = contentRect
        needsFullRedraw = true
        chromeDirty = true
        guard content.width > 0, content.height > 0 else { return }
        if content.width != terminal.cols || content.height != terminal.rows {
            terminal.resize(cols: content.width, rows: content.height)
            session?.resize(cols: content.width, rows: content.height)
            recorder.resize(cols: content.width, rows: content.height)
        }
    }

    /// Opens the exec session on a background task; the outcome comes back as
    /// inbox events (`sessionOpened`/`sessionFailed`, then output and `sessionEnded`).
    func connect(backend: any PlatformBackend, inbox: Inbox, idleTimeout: Int?) {
        if case .logs(let previous) = purpose {
            openLog(backend: backend, inbox: inbox, previous: previous)
            return
        }
        state = .connecting
        pendingInput = []
        chromeDirty = true
        idleClock = IdleClock(timeout: idleTimeout, rule: backend.execIdleRule)
        // A recording started before the session names itself to the server's audit log.
        var request = ExecRequest(
            functionName: functionName, instanceId: instanceId, command: purpose.argv,
            stdin: true, stdout: true, stderr: true, tty: true, idleTimeout: idleTimeout,
            terminalSize: TerminalSize(cols: terminal.cols, rows: terminal.rows), recording: recorder.path)
        request.container = container
        let output = self.output
        let recorder = self.recorder
        let id = self.id
        let trace = LatencyTrace.shared
        let deliver: @Sendable ([UInt8]) -> Void = { bytes in
            trace?.received(pane: id.value)
            recorder.output(bytes) {
                if output.append(bytes) { inbox.post(.paneOutput(id)) }
            }
        }
        let handlers = ExecCallbacks(
            onStdout: deliver, onStderr: deliver,
            onEnd: { end in inbox.post(.sessionEnded(id, end)) })
        Task.detached {
            do {
                let session = try await backend.openExec(request, handlers: handlers)
                inbox.post(.sessionOpened(id, session))
            } catch {
                inbox.post(.sessionFailed(id, "\(error)"))
            }
        }
    }

    /// The session is open: size it to the pane at once.
    func opened(_ session: ExecSession) {
        guard case .connecting = state else {
            // Closed or ended while connecting: this session is not wanted.
            session.cancel()
            return
        }
        state = .open(session)
        idleClock?.touch()
        output.setFlowControl { receiving in session.setReceiving(receiving) }
        chromeDirty = true
        session.resize(cols: terminal.cols, rows: terminal.rows)
        if !pendingInput.isEmpty {
            session.send(pendingInput)
            pendingInput = []
        }
    }

    /// Feeds waiting output into the emulator, a bounded slice at a time so that
    /// one flooding pane cannot hold up keys, other panes or frames; returns
    /// whether more is waiting.
    func drainOutput(limit: Int = Pane.drainSlice) -> Bool {
        let (bytes, more) = output.take(upTo: limit)
        if !bytes.isEmpty {
            terminal.feed(bytes)
            idleClock?.touch()
            LatencyTrace.shared?.fed(pane: id.value)
        }
        return more
    }

    /// About 2–4 ms of emulation per pass.
    static let drainSlice = 128 * 1024

    func ended(_ end: ExecEnd, instanceLive: Bool) {
        // Every byte the session produced is shown before the note that it ended.
        while drainOutput() {}
        output.setFlowControl(nil)
        state = .ended(end)
        chromeDirty = true
        var note = "[\(end.description)"
        if case .login = purpose, instanceLive { note += " — Enter reconnects" }
        note += "]"
        writeNote(note)
    }

    func failed(_ message: String) {
        state = .failed(message)
        pendingInput = []
        chromeDirty = true
        writeNote("[could not open a session in \(instanceId): \(message)]")
    }

    /// Writes a dim line of our own into the pane, after the program's output.
    func writeNote(_ text: String) {
        let atLineStart = terminal.cursor.col == 0
        terminal.feed((atLineStart ? "" : "\r\n") + "\u{1B}[0;2m" + text + "\u{1B}[0m\r\n")
    }

    /// Sends a key to the program, encoded by the emulator (cursor-key mode,
    /// modifiers), when the session is open.
    func send(_ press: KeyPress) {
        guard !state.isFinished, !purpose.isLog else { return }
        lastInputNanos = DispatchTime.now().uptimeNanoseconds
        let trace = LatencyTrace.shared
        trace?.key(pane: id.value)
        terminal.sendKey(press.key, modifiers: press.modifiers)
        trace?.sent(pane: id.value)
    }

    /// Passes a mouse event inside the content area to the program, if it
    /// asked for the mouse; returns whether it did.
    func sendMouse(_ mouse: MouseInput) -> Bool {
        guard !state.isFinished, !purpose.isLog, terminal.modes.mouseReporting.isOn,
              contentRect.contains(column: mouse.column, row: mouse.row) else { return false }
        let button: MouseButton, pressed: Bool
        switch mouse.action {
        case .press: (button, pressed) = (.left, true)
        case .release: (button, pressed) = (.left, false)
        case .rightPress: (button, pressed) = (.right, true)
        case .rightRelease: (button, pressed) = (.right, false)
        case .wheelUp: (button, pressed) = (.wheelUp, true)
        case .wheelDown: (button, pressed) = (.wheelDown, true)
        }
        lastInputNanos = DispatchTime.now().uptimeNanoseconds
        return terminal.sendMouse(button, pressed: pressed, row: mouse.row - contentRect.y,
                                  col: mouse.column - contentRect.x)
    }

    /// When a key was last sent here: output soon after is an echo, worth a frame at once.
    private(set) var lastInputNanos: UInt64 = 0

    /// Whether output arriving now probably answers a key just typed.
    var isEchoing: Bool {
        DispatchTime.now().uptimeNanoseconds &- lastInputNanos < 150_000_000
    }

    func paste(_ text: String) {
        guard !state.isFinished, !purpose.isLog else { return }
        terminal.paste(text)
    }

    /// Ends the session (closing the pane or quitting); a recording ends with `reason`.
    func close(reason: String = "pane closed") {
        recorder.finish(.reason(reason))
        session?.cancel()
        stopLogReader()
        if case .connecting = state { state = .failed("closed") }
    }
}
