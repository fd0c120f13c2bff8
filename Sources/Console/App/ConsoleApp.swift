import CNCursesW
import ExecCore
import Foundation
import Platform
import SessionRecording
import TerminalEmulator

/// The console: functions, their live instances, and terminal panes logged into
/// instances, on one screen.
///
/// ```swift
/// let app = try ConsoleApp(backend: backend, options: ConsoleOptions(themeName: "dark"))
/// try app.run()   // returns when the user quits; the terminal is restored
/// ```
///
/// Threading: `run()` owns curses and every emulator on the calling thread and
/// blocks in `poll()` on the terminal plus the inbox's eventfd. Network results
/// arrive as `ConsoleEvent`s through the inbox; nothing else crosses threads.
///
/// This file holds the state (the panes and their arrangement in one
/// `Workspace` value), the loop and the events from other threads; the
/// rest is split by concern: `+Keys`, `+Panes`, `+Actions` (instance actions
/// and overlays), `+CommandBar`, `+Mouse`, `+Rendering`.
public final class ConsoleApp {
    let backend: any PlatformBackend
    let options: ConsoleOptions
    let catalog: ThemeCatalog
    var theme: Theme
    let prefix: PrefixKey
    /// Every key binding: dispatch, help and the footer read it.
    let keyTable: KeyTable
    let inbox: Inbox
    let store = Store()
    let refresher: Refresher
    var screen: Screen?

    let functionList = FunctionList()
    let instanceTable = InstanceTable()
    let statusLine = StatusLine()
    let commandBar = CommandBar()
    let outputScheduler = OutputScheduler()
    var overlay: Overlay?

    /// The panes, their layout, focus, zoom and synchronized input.
    var workspace = Workspace()

    /// Downloads, uploads and background actions (the transfers overlay).
    let jobs = JobList()
    /// The user's actions.yaml, checked at start.
    let quickActions: [QuickAction]
    /// Quick actions whose file is fetched when their pane's command ends.
    var paneDownloads: [PaneID: QuickActionRequest] = [:]
    /// Quick actions whose file is fetched when their background job ends.
    var jobDownloads: [Int: QuickActionRequest] = [:]
    /// When running jobs last redrew their progress.
    var lastJobTick = Date.distantPast

    var running = false
    var fullRedraw = true
    var chromeDirty = true
    var panesDirty = false
    var lastFrameNanos: UInt64 = 0
    var areas = ConsoleLayout.compute(cols: 80, rows: 24, hasPanes: false, zoomed: false)
    var signalSources: [DispatchSourceSignal] = []
    var receivedFirstSnapshot = false
    /// A pane got output right after a key was typed in it: draw without waiting for the frame tick.
    var echoPending = false
    /// When the panes' idle clocks were last looked at (`tickPanes`).
    var lastIdleTick = Date.distantPast

    /// Frames are at most this often while output streams in; a key press draws at once.
    static let framePeriodNanos: UInt64 = 16_000_000
    /// Seconds between progress redraws while transfers run.
    static let jobTick: TimeInterval = 0.25
    /// At most this many log panes read at once: the table, details and
    /// invocations need connections of their own (as `porthole logs --function`).
    static let maxReadingLogs = PortholeServerBackend.maxFollowedLogs

    /// Checks the options (theme file, prefix key, rebound keys) without touching the terminal,
    /// so a bad theme is reported as a plain error before curses starts.
    public init(backend: any PlatformBackend, options: ConsoleOptions) throws {
        self.backend = backend
        self.options = options
        do {
            prefix = try PrefixKey.parse(options.prefixKey)
        } catch {
            throw ConsoleError.system("\(error)")
        }
        do {
            keyTable = try KeyTable.standard.rebinding(options.keys, prefix: prefix)
        } catch {
            throw ConsoleError.keys("\(error)")
        }
        do {
            quickActions = try QuickActionLoader.load(
                file: options.actionsFile ?? QuickActionLoader.defaultFile(),
                reserved: QuickActionLoader.reservedKeys(table: keyTable, prefix: prefix))
        } catch {
            throw ConsoleError.actions("\(error)")
        }
        catalog = ThemeCatalog.standard()
        do {
            theme = try catalog.load(options.themeName)
        } catch {
            throw ConsoleError.theme("\(error)")
        }
        inbox = try Inbox()
        refresher = Refresher(backend: backend, interval: options.refreshInterval, inbox: inbox)
    }

    var contextName: String { options.contextName ?? backend.displayName }

    /// Runs the console until the user quits. Restores the terminal on every
    /// exit path, including errors and SIGTERM/SIGHUP/SIGINT.
    public func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let noColor = options.noColor || !(environment["NO_COLOR"] ?? "").isEmpty
        let screen = try Screen(theme: theme, color: !noColor, mouse: options.mouse)
        self.screen = screen
        defer { shutDown() }
        installSignalHandlers()
        running = true
        refresher.start()
        relayout()
        var loading = "loading functions and instances from \(contextName)…"
        // An idle timeout the platform does not apply would count down nothing: say so first.
        if (options.sessionIdleTimeout ?? 0) > 0, backend.execIdleRule == .none {
            loading = "idle timeout ignored: this platform closes no idle exec session · " + loading
        }
        statusLine.show(loading, seconds: 30)
        try loop(screen)
    }

    func shutDown() {
        for source in signalSources { source.cancel() }
        signalSources = []
        refresher.stop()
        stopJobs()
        for pane in workspace.panes.values { pane.close(reason: "porthole quit") }
        screen?.end()
        screen = nil
    }

    func installSignalHandlers() {
        for number in [SIGTERM, SIGHUP, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            let inbox = self.inbox
            source.setEventHandler { inbox.post(.terminate(number)) }
            source.resume()
            signalSources.append(source)
        }
    }

    // MARK: Loop

    func loop(_ screen: Screen) throws {
        var fds = [
            pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
            pollfd(fd: inbox.fileDescriptor, events: Int16(POLLIN), revents: 0),
        ]
        let trace = LatencyTrace.shared
        while running {
            let timeout = nextTimeout()
            fds[0].revents = 0
            fds[1].revents = 0
            trace?.polling()
            let ready = poll(&fds, 2, timeout)
            trace?.polled()
            if ready < 0 && errno != EINTR {
                throw ConsoleError.system("poll failed: \(String(cString: strerror(errno)))")
            }
            if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
                // The terminal went away: nobody is left to see the console.
                running = false
                break
            }
            // Keys first, so a flood of pane output never delays them.
            var hadInput = false
            while running, let event = screen.read() {
                handle(event)
                hadInput = true
            }
            for event in inbox.drain() where running {
                handle(event)
            }
            let now = Date()
            tickPanes(now: now)
            if statusLine.expire(now: now) { chromeDirty = true }
            // Running transfers redraw their progress a few times a second.
            if jobs.hasRunning, now.timeIntervalSince(lastJobTick) >= Self.jobTick {
                lastJobTick = now
                chromeDirty = true
            }
            if store.prune(now: now) {
                reloadTable()
                chromeDirty = true
            }
            // Held panes: resume those whose reason passed, trickle the rest.
            let focused = workspace.focus.paneID.flatMap { workspace.panes[$0] }
            for id in outputScheduler.released(focused: focused, panes: workspace.panes) { inbox.post(.paneOutput(id)) }
            let frameDue = nanosSinceFrame() >= Self.framePeriodNanos
            let behind = outputScheduler.outerTerminalBehind
            if frameDue, !behind, outputScheduler.trickle(workspace.panes) { panesDirty = true }
            // A frame only for other output waits while the outer terminal is behind.
            if running, needsFrame, hadInput || echoPending || (frameDue && !behind) {
                render(screen)
                echoPending = false
            }
        }
    }

    var needsFrame: Bool { fullRedraw || chromeDirty || panesDirty }

    func nanosSinceFrame() -> UInt64 {
        DispatchTime.now().uptimeNanoseconds &- lastFrameNanos
    }

    /// How long `poll` may sleep: until the next frame when one is pending,
    /// else until the next timed change (a message expiring, a row fading out).
    func nextTimeout() -> Int32 {
        if needsFrame || !outputScheduler.held.isEmpty {
            let elapsed = nanosSinceFrame()
            if elapsed >= Self.framePeriodNanos {
                // Due, but the outer terminal is behind: look again shortly, do not spin.
                return outputScheduler.outerTerminalBehind ? 2 : 0
            }
            return Int32((Self.framePeriodNanos - elapsed) / 1_000_000) + 1
        }
        var deadline = Date().addingTimeInterval(1)
        if let d = statusLine.deadline, d < deadline { deadline = d }
        if let d = store.nextFadeDeadline, d < deadline { deadline = d }
        if jobs.hasRunning { deadline = min(deadline, lastJobTick.addingTimeInterval(Self.jobTick)) }
        return Int32(max(0, min(1000, deadline.timeIntervalSinceNow * 1000)) + 1)
    }

    // MARK: Layout

    func relayout() {
        guard let screen else { return }
        areas = ConsoleLayout.compute(cols: screen.cols, rows: screen.rows, hasPanes: !workspace.panes.isEmpty, zoomed: workspace.zoomed)
        if workspace.zoomed, let id = workspace.focus.paneID ?? workspace.lastPaneFocus, let pane = workspace.panes[id] {
            pane.place(in: areas.panes)
        } else {
            for (id, frame) in workspace.layout.frames(in: areas.panes) { workspace.panes[id]?.place(in: frame) }
        }
        fullRedraw = true
    }

    // MARK: Events from other threads

    func handle(_ event: ConsoleEvent) {
        switch event {
        case .snapshot(let snapshot):
            store.apply(snapshot)
            functionList.reconcile(with: store.functions)
            reloadTable()
            trackInstances()
            if !receivedFirstSnapshot {
                receivedFirstSnapshot = true
                statusLine.show("\(store.functions.count) functions on \(contextName) · Enter logs into the selected instance · ? help", seconds: 4)
            }
            chromeDirty = true
        case .refreshFailed(let message):
            store.fail(message)
            chromeDirty = true
        case .paneOutput(let id):
            guard let pane = workspace.panes[id] else { break }
            let focused = workspace.focus.paneID.flatMap { workspace.panes[$0] }
            if outputScheduler.shouldHold(pane, focused: focused) {
                // The pane being typed in goes first; this one trickles in per frame.
                outputScheduler.hold(id)
                break
            }
            // The rest waits for the next pass, after keys and the other panes.
            if pane.drainOutput() { inbox.post(.paneOutput(id)) }
            panesDirty = true
            // An echo of a key just typed is drawn now, not at the next frame tick,
            // even while another pane floods the frame budget.
            if pane.isEchoing { echoPending = true }
        case .sessionOpened(let id, let session):
            if let pane = workspace.panes[id] { pane.opened(session) } else { session.cancel() }
            chromeDirty = true
        case .sessionFailed(let id, let message):
            workspace.panes[id]?.failed(message)
            workspace.panes[id]?.recorder.finish(.reason("not started: \(message)"))
            if workspace.panes[id] != nil { statusLine.show(message, error: true) }
            chromeDirty = true
            panesDirty = true
        case .sessionEnded(let id, let end):
            actionPaneEnded(id, end)
            if let pane = workspace.panes[id] {
                let live = store.record(id: pane.instanceId).map { !$0.isGone && $0.instance.status.isLive } ?? false
                if case .instanceReleased = end {
                    pane.instanceGone = true
                    pane.ended(end, instanceLive: false)
                } else {
                    pane.ended(end, instanceLive: live)
                }
                finishRecording(pane, end: RecordedEnd(end), canReconnect: live && !pane.instanceGone)
            }
            refresher.refreshSoon()
            chromeDirty = true
            panesDirty = true
        case .logFollowing(let id, let generation):
            workspace.panes[id]?.logFollowing(generation: generation)
            chromeDirty = true
        case .logEnded(let id, let generation, let end):
            guard let pane = workspace.panes[id], pane.logGeneration == generation else { break }
            pane.logEnded(end, generation: generation, reopenKey: keyName(.reconnectEnded, .pane))
            finishRecording(pane, end: .reason(end.recordedReason), canReconnect: true)
            chromeDirty = true
            panesDirty = true
        case .detail(let id, let result):
            if case .detail(let view)? = overlay, view.instanceId == id { view.receive(result) }
            chromeDirty = true
        case .notice(let text, let error):
            statusLine.show(text, error: error)
            refresher.refreshSoon()
            chromeDirty = true
        case .jobEnded(let id, let outcome):
            jobEnded(id, outcome)
            chromeDirty = true
        case .remoteCompletion(let typed, let names):
            completeRemotePath(typed: typed, names: names)
        case .terminate:
            running = false
        }
    }

    func reloadTable() {
        instanceTable.reload(from: store, function: functionList.selectedName)
    }
}
