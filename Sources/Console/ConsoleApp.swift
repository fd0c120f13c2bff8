import CNCursesW
import ExecCore
import Foundation
import Platform
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
public final class ConsoleApp {
    private let backend: any PlatformBackend
    private let options: ConsoleOptions
    private let catalog: ThemeCatalog
    private var theme: Theme
    private let prefix: PrefixKey
    private let inbox: Inbox
    private let store = Store()
    private let refresher: Refresher
    private var screen: Screen?

    private let functionList = FunctionList()
    private let instanceTable = InstanceTable()
    private let statusLine = StatusLine()
    private let commandBar = CommandBar()
    private var overlay: Overlay?

    private var panes: [PaneID: Pane] = [:]
    private var layout = PaneLayout()
    private var zoomed = false
    private var synchronized = false
    /// Synchronized input marked every pane itself (nothing was marked).
    private var marksAreAutomatic = false
    private var focus: Focus = .instances
    private var lastPaneFocus: PaneID?
    private var nextPaneNumber = 1
    private var awaitingPrefix = false

    private var running = false
    private var fullRedraw = true
    private var chromeDirty = true
    private var panesDirty = false
    private var lastFrameNanos: UInt64 = 0
    private var areas = ConsoleLayout.compute(cols: 80, rows: 24, hasPanes: false, zoomed: false)
    private var signalSources: [DispatchSourceSignal] = []
    private var receivedFirstSnapshot = false
    /// A pane got output right after a key was typed in it: draw without waiting for the frame tick.
    private var echoPending = false

    /// Frames are at most this often while output streams in; a key press draws at once.
    private static let framePeriodNanos: UInt64 = 16_000_000

    /// Checks the options (theme file, prefix key) without touching the terminal,
    /// so a bad theme is reported as a plain error before curses starts.
    public init(backend: any PlatformBackend, options: ConsoleOptions) throws {
        self.backend = backend
        self.options = options
        do {
            prefix = try PrefixKey.parse(options.prefixKey)
        } catch {
            throw ConsoleError.system("\(error)")
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

    private var contextName: String { options.contextName ?? backend.displayName }

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
        statusLine.show("loading functions and instances from \(contextName)…", seconds: 30)
        try loop(screen)
    }

    private func shutDown() {
        for source in signalSources { source.cancel() }
        signalSources = []
        refresher.stop()
        for pane in panes.values { pane.close() }
        screen?.end()
        screen = nil
    }

    private func installSignalHandlers() {
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

    private func loop(_ screen: Screen) throws {
        var fds = [
            pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
            pollfd(fd: inbox.fileDescriptor, events: Int16(POLLIN), revents: 0),
        ]
        while running {
            let timeout = nextTimeout()
            fds[0].revents = 0
            fds[1].revents = 0
            let ready = poll(&fds, 2, timeout)
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
            if statusLine.expire(now: now) { chromeDirty = true }
            if store.prune(now: now) {
                reloadTable()
                chromeDirty = true
            }
            if running, needsFrame, hadInput || echoPending || nanosSinceFrame() >= Self.framePeriodNanos {
                render(screen)
                echoPending = false
            }
        }
    }

    private var needsFrame: Bool { fullRedraw || chromeDirty || panesDirty }

    private func nanosSinceFrame() -> UInt64 {
        DispatchTime.now().uptimeNanoseconds &- lastFrameNanos
    }

    /// How long `poll` may sleep: until the next frame when one is pending,
    /// else until the next timed change (a message expiring, a row fading out).
    private func nextTimeout() -> Int32 {
        if needsFrame {
            let elapsed = nanosSinceFrame()
            return elapsed >= Self.framePeriodNanos ? 0 : Int32((Self.framePeriodNanos - elapsed) / 1_000_000) + 1
        }
        var deadline = Date().addingTimeInterval(1)
        if let d = statusLine.deadline, d < deadline { deadline = d }
        if let d = store.nextFadeDeadline, d < deadline { deadline = d }
        return Int32(max(0, min(1000, deadline.timeIntervalSinceNow * 1000)) + 1)
    }

    // MARK: Rendering

    private func render(_ screen: Screen) {
        if fullRedraw {
            werase(screen.window)
            screen.fill(Rect(x: 0, y: 0, width: screen.cols, height: screen.rows), pen: screen.pen(.screen))
            for pane in panes.values {
                pane.needsFullRedraw = true
                pane.chromeDirty = true
            }
            chromeDirty = true
        }
        let tableFocused = focus == .instances || focus == .functions
        if chromeDirty {
            HeaderBar.draw(
                on: screen, in: areas.header, context: contextName, functions: store.functions.count,
                instances: store.liveInstanceCount, sessions: openSessionCount, refreshError: store.refreshError)
            if !areas.functions.isEmpty {
                functionList.draw(on: screen, in: areas.functions, store: store, focused: focus == .functions)
            }
            if !areas.instances.isEmpty {
                instanceTable.draw(
                    on: screen, in: areas.instances, functionName: functionList.selectedName,
                    focused: focus == .instances, thresholds: options.thresholds, store: store, now: Date())
            }
            for pane in panes.values { pane.chromeDirty = true }
        }
        for id in visiblePaneIDs {
            guard let pane = panes[id] else { continue }
            PaneView.draw(pane, on: screen, focused: focus == .pane(id), synchronized: synchronized, paneStyle: theme[.pane])
        }
        var cursor: (Int, Int)?
        let whole = Rect(x: 0, y: 1, width: screen.cols, height: max(0, screen.rows - 2))
        switch overlay {
        case .help(let view): view.draw(on: screen, in: whole, prefix: prefix.name)
        case .menu(let menu): menu.draw(on: screen, in: whole)
        case .detail(let view):
            view.draw(on: screen, in: whole, record: store.record(id: view.instanceId))
        case .confirmQuit:
            let sessions = openSessionCount
            let rect = OverlayFrame.centred(width: 56, height: 5, in: whole)
            OverlayFrame.draw(on: screen, rect, title: "Quit porthole?")
            screen.put("\(sessions) session\(sessions == 1 ? " is" : "s are") open and will be closed.",
                       row: rect.y + 1, col: rect.x + 2, width: rect.width - 4, pen: screen.pen(.dialog))
            screen.put("y", row: rect.y + 3, col: rect.x + 2, width: 1, pen: screen.pen(.dialogKey))
            screen.put(" quit   any other key: stay", row: rect.y + 3, col: rect.x + 3, width: rect.width - 5, pen: screen.pen(.dialog))
        case nil: break
        }
        if commandBar.isOpen {
            cursor = (areas.status.y, commandBar.draw(on: screen, in: areas.status))
        } else {
            statusLine.draw(on: screen, in: areas.status, hints: hints(tableFocused: tableFocused), right: statusRight)
        }
        if cursor == nil, overlay == nil, let id = focus.paneID, let pane = panes[id], pane.scrollback == nil,
           pane.state.isOpen, pane.terminal.cursor.visible, visiblePaneIDs.contains(id) {
            let content = pane.contentRect
            let c = pane.terminal.cursor
            if c.row < content.height && c.col < content.width {
                cursor = (content.y + c.row, content.x + c.col)
            }
        }
        if let (row, col) = cursor { screen.placeCursor(row: row, col: col) } else { screen.hideCursor() }
        screen.flush()
        fullRedraw = false
        chromeDirty = false
        panesDirty = false
        lastFrameNanos = DispatchTime.now().uptimeNanoseconds
    }

    private var visiblePaneIDs: [PaneID] {
        if zoomed, let id = focus.paneID ?? lastPaneFocus, panes[id] != nil { return [id] }
        return layout.paneIDs
    }

    private var openSessionCount: Int {
        panes.values.filter { $0.state.isOpen }.count
    }

    private func hints(tableFocused: Bool) -> [(key: String, label: String)] {
        if awaitingPrefix {
            return [("←↑→↓", "focus"), ("z", "zoom"), ("x", "close"), ("Space", "layout"), ("m", "mark"),
                    ("s", "sync"), ("[", "scrollback"), ("Tab", "table"), ("?", "help")]
        }
        if let id = focus.paneID, let pane = panes[id] {
            if pane.scrollback != nil {
                return [("↑↓ PgUp PgDn", "scroll"), ("/", "search"), ("n N", "next/prev"), ("q", "leave")]
            }
            return [(prefix.name, "prefix"), ("\(prefix.name) Tab", "table"), ("\(prefix.name) x", "close"),
                    ("\(prefix.name) z", "zoom"), ("\(prefix.name) ?", "help")]
        }
        return [("Enter", "login"), ("m", "menu"), ("x", "run"), ("d", "detail"), ("/", "filter"),
                ("<>", "sort"), ("Tab", "focus"), ("?", "help"), ("q", "quit")]
    }

    private var statusRight: String {
        var parts: [String] = []
        if awaitingPrefix { parts.append("[\(prefix.name)]") }
        if synchronized { parts.append("SYNC") }
        if zoomed { parts.append("ZOOM") }
        if let id = focus.paneID, let pane = panes[id] {
            parts.append("\(pane.instanceId): \(pane.state.summary)")
        } else if let selected = instanceTable.selected {
            parts.append(selected.id)
        }
        return parts.joined(separator: " · ")
    }

    // MARK: Layout

    private func relayout() {
        guard let screen else { return }
        areas = ConsoleLayout.compute(cols: screen.cols, rows: screen.rows, hasPanes: !panes.isEmpty, zoomed: zoomed)
        if zoomed, let id = focus.paneID ?? lastPaneFocus, let pane = panes[id] {
            pane.place(in: areas.panes)
        } else {
            for (id, frame) in layout.frames(in: areas.panes) { panes[id]?.place(in: frame) }
        }
        fullRedraw = true
    }

    // MARK: Events from other threads

    private func handle(_ event: ConsoleEvent) {
        switch event {
        case .snapshot(let snapshot):
            store.apply(snapshot)
            functionList.reconcile(with: store.functions)
            reloadTable()
            if !receivedFirstSnapshot {
                receivedFirstSnapshot = true
                statusLine.show("\(store.functions.count) functions on \(contextName) · Enter logs into the selected instance · ? help", seconds: 4)
            }
            chromeDirty = true
        case .refreshFailed(let message):
            store.fail(message)
            chromeDirty = true
        case .paneOutput(let id):
            guard let pane = panes[id] else { break }
            // The rest waits for the next pass, after keys and the other panes.
            if pane.drainOutput() { inbox.post(.paneOutput(id)) }
            panesDirty = true
            // An echo of a key just typed is drawn now, not at the next frame tick,
            // even while another pane floods the frame budget.
            if pane.isEchoing { echoPending = true }
        case .sessionOpened(let id, let session):
            if let pane = panes[id] { pane.opened(session) } else { session.cancel() }
            chromeDirty = true
        case .sessionFailed(let id, let message):
            panes[id]?.failed(message)
            if panes[id] != nil { statusLine.show(message, error: true) }
            chromeDirty = true
            panesDirty = true
        case .sessionEnded(let id, let end):
            if let pane = panes[id] {
                let live = store.record(id: pane.instanceId).map { !$0.isGone && $0.instance.status.isLive } ?? false
                if case .instanceReleased = end {
                    pane.ended(end, instanceLive: false)
                } else {
                    pane.ended(end, instanceLive: live)
                }
            }
            refresher.refreshSoon()
            chromeDirty = true
            panesDirty = true
        case .detail(let id, let result):
            if case .detail(let view)? = overlay, view.instanceId == id { view.receive(result) }
            chromeDirty = true
        case .notice(let text, let error):
            statusLine.show(text, error: error)
            refresher.refreshSoon()
            chromeDirty = true
        case .terminate:
            running = false
        }
    }

    private func reloadTable() {
        instanceTable.reload(from: store, function: functionList.selectedName)
    }

    // MARK: Input

    private func handle(_ event: InputEvent) {
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
            } else if let id = focus.paneID, let pane = panes[id] {
                for target in inputTargets(from: pane) { target.paste(text) }
            }
        case .key(let press):
            handleKey(press)
        }
    }

    private func handleKey(_ press: KeyPress) {
        if commandBar.isOpen {
            handleCommandBarKey(press)
            return
        }
        if let overlay {
            handleOverlayKey(press, overlay)
            return
        }
        if awaitingPrefix {
            awaitingPrefix = false
            handlePrefixCommand(press)
            return
        }
        if press == prefix.press {
            awaitingPrefix = true
            return
        }
        if let id = focus.paneID, let pane = panes[id] {
            handlePaneKey(press, pane)
        } else {
            handleTableKey(press)
        }
    }

    private func handleTableKey(_ press: KeyPress) {
        let onFunctions = focus == .functions
        switch press.key {
        case .up: move(by: -1, onFunctions: onFunctions)
        case .down: move(by: 1, onFunctions: onFunctions)
        case .pageUp: move(by: -instanceTable.pageSize, onFunctions: onFunctions)
        case .pageDown: move(by: instanceTable.pageSize, onFunctions: onFunctions)
        case .home: onFunctions ? selectFunction(store.functions.first?.functionName) : instanceTable.moveToEnd(false)
        case .end: onFunctions ? selectFunction(store.functions.last?.functionName) : instanceTable.moveToEnd(true)
        case .left: shiftFunction(by: -1)
        case .right: shiftFunction(by: 1)
        case .tab: cycleFocus(forward: !press.modifiers.contains(.shift))
        case .enter:
            if onFunctions { focus = .instances } else { loginSelected() }
        case .escape:
            if !instanceTable.query.filter.isEmpty {
                instanceTable.query.filter = ""
                reloadTable()
            }
        case .character(let c) where press.modifiers.isEmpty || press.modifiers == .shift:
            switch c {
            case "k": move(by: -1, onFunctions: onFunctions)
            case "j": move(by: 1, onFunctions: onFunctions)
            case "g": onFunctions ? selectFunction(store.functions.first?.functionName) : instanceTable.moveToEnd(false)
            case "G": onFunctions ? selectFunction(store.functions.last?.functionName) : instanceTable.moveToEnd(true)
            case "l": loginSelected()
            case "x": runInSelected()
            case "d": showDetail()
            case "m": openMenu(anchor: nil)
            case "c": copySelectedID()
            case "/": commandBar.open(.filter, initial: instanceTable.query.filter)
            case ":": commandBar.open(.command)
            case "?": overlay = .help(HelpView())
            case "<", ",":
                instanceTable.query.shiftSort(by: -1)
                reloadTable()
            case ">", ".":
                instanceTable.query.shiftSort(by: 1)
                reloadTable()
            case "r":
                instanceTable.query.descending.toggle()
                reloadTable()
            case "q": requestQuit()
            case "\u{3}": requestQuit()
            default: break
            }
        default: break
        }
    }

    private func move(by step: Int, onFunctions: Bool) {
        if onFunctions {
            functionList.move(by: step, in: store.functions)
            reloadTable()
        } else {
            instanceTable.move(by: step)
        }
    }

    private func selectFunction(_ name: String?) {
        functionList.select(name)
        reloadTable()
    }

    private func shiftFunction(by step: Int) {
        functionList.move(by: step, in: store.functions)
        reloadTable()
    }

    private func cycleFocus(forward: Bool) {
        var order: [Focus] = [.functions, .instances]
        if let id = lastPaneFocus ?? layout.paneIDs.first, panes[id] != nil { order.append(.pane(id)) }
        let index = order.firstIndex(of: focus) ?? 1
        let next = order[(index + (forward ? 1 : order.count - 1)) % order.count]
        if let id = next.paneID { focusPane(id) } else { setTableFocus(next) }
    }

    private func setTableFocus(_ target: Focus) {
        if let id = focus.paneID { panes[id]?.chromeDirty = true }
        focus = target
        if zoomed {
            zoomed = false
            relayout()
        }
    }

    private func focusPane(_ id: PaneID) {
        if let old = focus.paneID { panes[old]?.chromeDirty = true }
        focus = .pane(id)
        lastPaneFocus = id
        panes[id]?.chromeDirty = true
        if zoomed { relayout() }
    }

    // MARK: Panes

    private func handlePaneKey(_ press: KeyPress, _ pane: Pane) {
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
    private func inputTargets(from pane: Pane) -> [Pane] {
        guard synchronized else { return [pane] }
        var targets = [pane]
        for id in layout.paneIDs where id != pane.id {
            if let other = panes[id], other.marked, other.state.isOpen { targets.append(other) }
        }
        return targets
    }

    private func handlePrefixCommand(_ press: KeyPress) {
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

    private func toggleSynchronized() {
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

    private func moveFocus(_ direction: PaneLayout.Direction) {
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

    private func applyLayout(_ preset: LayoutPreset) {
        guard !panes.isEmpty else {
            statusLine.show("no panes to lay out: Enter on an instance opens one")
            return
        }
        layout.apply(preset)
        zoomed = false
        relayout()
        statusLine.show("layout \(preset.rawValue)")
    }

    private func openPane(functionName: String, instanceId: String, purpose: PanePurpose, axis: SplitAxis = .beside) {
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

    private func reconnect(_ pane: Pane) {
        guard pane.state.isFinished else { return }
        if let record = store.record(id: pane.instanceId), record.isGone || !record.instance.status.isLive {
            statusLine.show("instance \(pane.instanceId) is gone: it cannot be reconnected; \(prefix.name) x closes the pane", error: true)
            return
        }
        pane.connect(backend: backend, inbox: inbox, idleTimeout: options.sessionIdleTimeout)
        statusLine.show("reconnecting to \(pane.instanceId)…")
    }

    private func closePane(_ id: PaneID) {
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

    private func handleScrollbackKey(_ press: KeyPress, _ pane: Pane) {
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

    // MARK: Instance actions

    private func loginSelected() {
        guard let record = instanceTable.selected else {
            statusLine.show("no instance selected", error: true)
            return
        }
        openPane(functionName: record.instance.functionName, instanceId: record.id, purpose: .login)
    }

    private func runInSelected() {
        guard let record = instanceTable.selected else {
            statusLine.show("no instance selected", error: true)
            return
        }
        commandBar.open(.run(functionName: record.instance.functionName, instanceId: record.id))
    }

    private func showDetail(_ recordOverride: InstanceRecord? = nil) {
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

    private func openMenu(anchor: (column: Int, row: Int)?) {
        guard let record = instanceTable.selected else {
            statusLine.show("no instance selected", error: true)
            return
        }
        let place = anchor ?? (areas.instances.x + 4, selectedRowY ?? areas.instances.y + 2)
        overlay = .menu(ActionMenu(functionName: record.instance.functionName, instanceId: record.id, anchor: place))
    }

    private var selectedRowY: Int? {
        guard let id = instanceTable.selected?.id else { return nil }
        for row in areas.instances.y..<areas.instances.maxY where instanceTable.record(atRow: row)?.id == id {
            return row
        }
        return nil
    }

    private func copySelectedID(_ id: String? = nil) {
        guard let id = id ?? instanceTable.selected?.id else {
            statusLine.show("no instance selected", error: true)
            return
        }
        // OSC 52 puts text on the clipboard of the terminal (and of tmux with set-clipboard on).
        let encoded = Data(id.utf8).base64EncodedString()
        screen?.writeControl("\u{1B}]52;c;\(encoded)\u{7}")
        statusLine.show("copied \(id) to the clipboard")
    }

    private func choose(_ action: ActionMenu.Action, in menu: ActionMenu) {
        overlay = nil
        fullRedraw = true
        instanceTable.select(id: menu.instanceId)
        switch action {
        case .login: openPane(functionName: menu.functionName, instanceId: menu.instanceId, purpose: .login)
        case .run: commandBar.open(.run(functionName: menu.functionName, instanceId: menu.instanceId))
        case .details:
            if let record = store.record(id: menu.instanceId) { showDetail(record) }
        case .copyID: copySelectedID(menu.instanceId)
        }
    }

    // MARK: Overlays

    private func handleOverlayKey(_ press: KeyPress, _ current: Overlay) {
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
            switch menu.handle(press) {
            case .stay: break
            case .close: closeOverlay()
            case .choose(let action): choose(action, in: menu)
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
        }
    }

    private func closeOverlay() {
        overlay = nil
        fullRedraw = true
    }

    private func requestQuit() {
        if panes.values.contains(where: { !$0.state.isFinished }) {
            overlay = .confirmQuit
        } else {
            running = false
        }
    }

    // MARK: Command bar

    private func handleCommandBarKey(_ press: KeyPress) {
        guard let purpose = commandBar.purpose else { return }
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

    private func updateLiveFilter() {
        guard commandBar.purpose == .filter else { return }
        instanceTable.query.filter = commandBar.text
        reloadTable()
    }

    private func submit(_ text: String, purpose: CommandBar.Purpose) {
        switch purpose {
        case .filter:
            instanceTable.query.filter = text
            reloadTable()
        case .run(let function, let id):
            guard !text.isEmpty else { return }
            openPane(functionName: function, instanceId: id, purpose: .command(text))
        case .search(let paneID):
            guard let pane = panes[paneID], var view = pane.scrollback, !text.isEmpty else { return }
            view.match = nil
            if !view.search(text, older: true, pane.terminal) {
                statusLine.show("\"\(text)\" not found in the scrollback", error: true)
            }
            view.searchTerm = text
            pane.scrollback = view
            pane.needsFullRedraw = true
        case .command:
            guard !text.isEmpty else { return }
            do {
                execute(try ConsoleCommand.parse(text))
            } catch {
                statusLine.show("\(error)", error: true)
            }
        }
    }

    private func execute(_ command: ConsoleCommand) {
        switch command {
        case .login(let id):
            guard let record = resolveInstance(id) else { return }
            openPane(functionName: record.instance.functionName, instanceId: record.id, purpose: .login)
        case .exec(let id, let line):
            guard let record = resolveInstance(id) else { return }
            openPane(functionName: record.instance.functionName, instanceId: record.id, purpose: .command(line))
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
    private func resolveInstance(_ text: String) -> InstanceRecord? {
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

    // MARK: Mouse

    private func handleMouse(_ mouse: MouseInput) {
        let whole = Rect(x: 0, y: 1, width: screen?.cols ?? 0, height: max(0, (screen?.rows ?? 2) - 2))
        if case .menu(let menu)? = overlay {
            if mouse.action == .press, menu.rect(in: whole).contains(column: mouse.column, row: mouse.row) {
                if let action = menu.action(atRow: mouse.row, in: whole) { choose(action, in: menu) }
            } else if mouse.action == .press || mouse.action == .rightPress {
                closeOverlay()
            }
            return
        }
        if overlay != nil {
            if mouse.action == .press { closeOverlay() }
            return
        }
        // Panes first: they may overlap nothing, but the zoomed one covers the tables.
        for id in visiblePaneIDs {
            guard let pane = panes[id], pane.frame.contains(column: mouse.column, row: mouse.row) else { continue }
            if mouse.action == .press || mouse.action == .rightPress { focusPane(id) }
            // A program that asked for the mouse gets it, as in tmux; the
            // border still focuses and scrolls.
            if pane.scrollback == nil, pane.sendMouse(mouse) { return }
            switch mouse.action {
            case .press, .rightPress:
                break  // focused above
            case .wheelUp, .wheelDown:
                let up = mouse.action == .wheelUp
                if pane.terminal.modes.alternateScreen, pane.scrollback == nil {
                    // Full-screen programs get arrow keys, as terminals do for the alternate screen.
                    for _ in 0..<3 { pane.send(KeyPress(up ? .up : .down)) }
                } else {
                    var view = pane.scrollback ?? ScrollbackView()
                    view.scroll(by: up ? 3 : -3, pane.terminal)
                    pane.scrollback = view.offset == 0 && !up ? nil : view
                    pane.needsFullRedraw = true
                    pane.chromeDirty = true
                }
            case .release, .rightRelease:
                break
            }
            return
        }
        if areas.instances.contains(column: mouse.column, row: mouse.row) {
            switch mouse.action {
            case .press, .rightPress:
                setTableFocus(.instances)
                if let record = instanceTable.record(atRow: mouse.row) {
                    instanceTable.select(id: record.id)
                    if mouse.action == .rightPress { openMenu(anchor: (mouse.column, mouse.row)) }
                }
            case .wheelUp: instanceTable.scroll(by: -3)
            case .wheelDown: instanceTable.scroll(by: 3)
            case .release, .rightRelease: break
            }
        } else if areas.functions.contains(column: mouse.column, row: mouse.row) {
            switch mouse.action {
            case .press, .rightPress:
                setTableFocus(.functions)
                if let function = functionList.function(atRow: mouse.row, in: store.functions) {
                    selectFunction(function.functionName)
                }
            case .wheelUp: shiftFunction(by: -1)
            case .wheelDown: shiftFunction(by: 1)
            case .release, .rightRelease: break
            }
        }
    }
}
