import CVTerm

/// One emulated terminal (one per console pane), over libvterm.
///
/// Bytes from the program go in through `feed`; bytes for the program (replies
/// to queries, key presses, pastes) come out through `send`. The screen is read
/// cell by cell, `takeDamage()` says which rows changed since the last look, and
/// lines scrolled off the top are kept in a scrollback ring.
///
/// libvterm parses and keeps the terminal state (cursor, modes, pen, charsets,
/// tab stops, scroll regions) and encodes keys; this class keeps the screen
/// contents itself, because libvterm's screen layer moves the whole screen in
/// memory for every scrolled line. Plain text, line ends and colour changes
/// skip libvterm altogether while nothing unusual is on (see
/// `Terminal+FastPath.swift`): its parser alone is too slow for a flood.
///
/// Not thread-safe: one thread owns a `Terminal` (in the console, the thread
/// that owns curses). Callbacks (`send`, `onTitleChange`, `onBell`, `onClipboard`) run on
/// that thread at the end of the call that caused them, once the terminal is
/// done with the bytes, so they may call back into it (even `feed`).
public final class Terminal {
    /// Bytes the program must receive: replies (device attributes, cursor
    /// position reports), key encodings and pastes. Called after the `feed`,
    /// `sendKey` or `paste` that produced them, never with an empty array.
    /// Output produced while this is nil is discarded.
    public var send: (([UInt8]) -> Void)?
    /// Called when the program sets a new window title (OSC 0 or OSC 2); with
    /// several changes in one feed, once with the last.
    public var onTitleChange: ((String) -> Void)?
    /// Called for every BEL the program rings.
    public var onBell: (() -> Void)?
    /// Called for every OSC 52 the program writes (set or read the clipboard),
    /// in order; nothing reaches any clipboard unless the owner passes it on.
    public var onClipboard: ((ClipboardRequest) -> Void)?

    /// The window title last set by the program, "" if none.
    public internal(set) var title = ""
    /// Bells rung since this terminal was made.
    public internal(set) var bellCount = 0
    /// Columns of the live screen.
    public var cols: Int { grid.cols }
    /// Rows of the live screen.
    public var rows: Int { grid.rows }
    /// The cursor on the live screen.
    public var cursor: TerminalCursor { live.pointee.cursor }

    let vterm: OpaquePointer
    let state: OpaquePointer
    private var bridge: UnsafeMutablePointer<PortholeVTermBridge>!

    let primary: ScreenGrid
    let alternate: ScreenGrid
    /// The screen being shown: `primary` or `alternate` (also in `live`).
    var grid: ScreenGrid
    let live: UnsafeMutablePointer<LiveState>
    var clusters = ClusterTable()
    /// Behind a pointer for the same reason as `live`: a push per scrolled line.
    let scrollback: UnsafeMutablePointer<ScrollbackRing>
    var mouse = MouseReporting.off
    var reverseVideo = false
    var scanner = ControlSequenceScanner()
    var sanitizer = UTF8Sanitizer()
    /// Where the fast path stands against libvterm (see `Terminal+FastPath.swift`).
    let fast: UnsafeMutablePointer<FastPathState>
    /// Off: every byte goes through libvterm (tests compare the two).
    var fastPathEnabled = true
    /// Output gathered during a libvterm call, handed to `send` afterwards so
    /// `send` may call back into this terminal.
    var pendingOutput: [UInt8] = []
    /// When set, output is captured here instead (mode probes).
    var probe: [UInt8]?
    /// A resize happened while libvterm was inside a sequence: its margins
    /// are reset at the next point between sequences.
    var marginResetPending = false
    /// Title change and bells waiting for the end of the current call.
    private var titleChanged = false
    var bellsRung = 0
    private var clipboardRequests: [ClipboardRequest] = []

    /// Narrowest screen: a wide character must fit on a line (libvterm
    /// misplaces the cursor on a one-column screen).
    public static let minimumCols = 2

    /// A terminal of `cols × rows` (at least `minimumCols` × 1) keeping
    /// `scrollbackLimit` lines of scrollback.
    public init(cols: Int, rows: Int, scrollbackLimit: Int = 10_000) {
        let cols = max(Terminal.minimumCols, cols), rows = max(1, rows)
        guard let vt = vterm_new(Int32(rows), Int32(cols)) else {
            // vterm_new only fails when malloc does.
            fatalError("libvterm could not allocate a \(cols)x\(rows) terminal")
        }
        vterm = vt
        state = vterm_obtain_state(vt)
        primary = ScreenGrid(rows: rows, cols: cols)
        alternate = ScreenGrid(rows: rows, cols: cols)
        grid = primary
        live = .allocate(capacity: 1)
        live.initialize(to: LiveState(screen: primary.storage, rows: rows))
        scrollback = .allocate(capacity: 1)
        scrollback.initialize(to: ScrollbackRing(limit: scrollbackLimit))
        fast = .allocate(capacity: 1)
        fast.initialize(to: FastPathState())

        vterm_set_utf8(vt, 1)
        let user = Unmanaged.passUnretained(self).toOpaque()
        // Without an output callback libvterm writes replies into a 64-byte
        // buffer and drops the rest.
        vterm_output_set_callback(vt, { bytes, length, user in
            guard let bytes, let user, length > 0 else { return }
            Unmanaged<Terminal>.fromOpaque(user)._withUnsafeGuaranteedRef {
                $0.output(UnsafeRawBufferPointer(start: bytes, count: length))
            }
        }, user)
        var handlers = Terminal.stateHandlers
        handlers.user = user
        bridge = porthole_vterm_attach(state, Int32(rows), &handlers)
        guard bridge != nil else { fatalError("out of memory attaching to libvterm") }
        vterm_state_set_bold_highbright(state, 0)
        vterm_state_reset(state, 1)
    }

    deinit {
        porthole_vterm_detach(state, bridge)
        vterm_free(vterm)
        live.pointee.release()
        live.deinitialize(count: 1)
        live.deallocate()
        fast.deinitialize(count: 1)
        fast.deallocate()
        scrollback.pointee.release()
        scrollback.deinitialize(count: 1)
        scrollback.deallocate()
    }

    // MARK: Input

    /// Feeds bytes the program wrote (any split: sequences may span calls).
    public func feed(_ bytes: UnsafeRawBufferPointer) {
        guard let raw = bytes.baseAddress, !bytes.isEmpty else { return }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        let count = bytes.count
        if marginResetPending && scanner.isGround { resetMargins() }
        // Stretch by stretch: text and common SGRs the fast path applies
        // itself, text it leaves to libvterm, and other control sequences,
        // which the scanner watches on their way to libvterm.
        var i = 0
        while i < count {
            if !scanner.isGround {
                i = feedSequence(bytes, from: i)
                continue
            }
            if fastPathReady() {
                i = fastRun(base, from: i, to: count)
                guard i < count else { break }
            }
            if base[i] == 0x1B {
                scanner.enterEscape()
                i = feedSequence(bytes, from: i, escapeTaken: true)
            } else {
                i = feedText(base, from: i, to: count)
            }
        }
        if scanner.isGround && !fast.pointee.ahead { keepCursorOnScreen() }
        flushOutput()
        notify()
    }

    /// Gives libvterm text the fast path did not take, from `start` up to the
    /// next ESC, stopping at a line end so the fast path can take over again.
    private func feedText(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Int {
        var stop = start
        var printable = false
        while stop < end {
            let b = base[stop]
            if b == 0x1B { break }
            if b == 0x0A || b == 0x0D {
                if stop == start { stop += 1 }     // the fast path could not take it
                break
            }
            if b < 0x20 { scanner.modes.control(b) } else if b != 0x7F { printable = true }
            stop += 1
        }
        // libvterm's next character used up a single shift.
        if printable { scanner.modes.singleShift = false }
        write(base + start, stop - start)
        return stop
    }

    /// Runs the scanner and libvterm over a control sequence from `start`
    /// until it ends (or the bytes do); returns where it ended.
    private func feedSequence(_ bytes: UnsafeRawBufferPointer, from start: Int, escapeTaken: Bool = false) -> Int {
        let base = bytes.baseAddress!
        var done = start                             // bytes written or withheld
        var scanned = escapeTaken ? start + 1 : start
        var withholding = scanner.withholding
        scanner.stopAtGround = true
        defer { scanner.stopAtGround = false }
        while let (event, at, resume) = scanner.next(in: bytes, from: scanned) {
            if !withholding { write(base + done, at - done) }
            done = at
            scanned = resume
            switch event {
            case .withholdStart(let cancelEscape):
                // libvterm already has the ESC: CAN makes it forget it.
                if cancelEscape { writeRaw(Terminal.cancel) }
                withholding = true
            case .withholdEnd(let escapePending, let replacement):
                withholding = false
                if !replacement.isEmpty { writeRaw(replacement) }
                if escapePending { writeRaw(Terminal.escape) }
            case .repeatFinal:
                // libvterm 0.1 repeats its last glyph by adding that glyph's
                // width to the cursor until the line ends: with width 0 it
                // never does. CAN drops the sequence instead.
                writeRaw(live.pointee.lastGlyphWidth > 0 ? Terminal.repeatFinal : Terminal.cancel)
                done = resume
            case .fullResetFinal:
                // Leave the alternate screen, reverse video and mouse modes
                // through libvterm (its reset drops them silently or not at
                // all), then reset. CAN ends the ESC it already has.
                writeRaw(Terminal.fullReset)
                done = resume
            case .groundReached:
                if marginResetPending { resetMargins() }
                return at
            default:
                apply(event)
            }
        }
        if !withholding { write(base + done, bytes.count - done) }
        return bytes.count
    }

    /// Feeds bytes the program wrote.
    public func feed(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { feed($0) }
    }

    /// Feeds text as UTF-8 (handy for tests and fixtures).
    public func feed(_ text: String) {
        var text = text
        text.withUTF8 { feed(UnsafeRawBufferPointer($0)) }
    }

    /// Largest write handed to libvterm at once: libvterm 0.1 decodes text
    /// into a stack array as long as the write (`uint32_t codepoints[len]`),
    /// so one big feed could overflow a thread's stack. 4 KiB costs 16 KiB.
    static let writeLimit = 4096

    /// Hands bytes to libvterm, made valid UTF-8 first (see `UTF8Sanitizer`),
    /// in pieces of at most `writeLimit` bytes.
    private func write(_ bytes: UnsafeRawPointer, _ count: Int) {
        var offset = 0
        while offset < count {
            let n = min(Terminal.writeLimit, count - offset)
            sanitizer.sanitize(UnsafeRawBufferPointer(start: bytes + offset, count: n)) { piece in
                writeRaw(piece.baseAddress!.assumingMemoryBound(to: UInt8.self), piece.count)
            }
            offset += n
        }
    }

    private static let cancel: [UInt8] = [0x18]
    private static let repeatFinal: [UInt8] = [0x62]
    private static let escape: [UInt8] = [0x1B]
    private static let fullReset = Array("\u{18}\u{1B}[?1047l\u{1B}[?5l\u{1B}[?1000l\u{1B}c".utf8)

    func writeRaw(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { writeRaw($0.baseAddress!, $0.count) }
    }

    func writeRaw(_ bytes: UnsafePointer<UInt8>, _ count: Int) {
        guard count > 0 else { return }
        catchUpLibvterm()
        bytes.withMemoryRebound(to: CChar.self, capacity: count) {
            _ = vterm_input_write(vterm, $0, count)
        }
    }

    private func apply(_ event: ControlSequenceScanner.Event) {
        switch event {
        case .title(let newTitle):
            guard newTitle != title else { return }
            title = newTitle
            titleChanged = true
        case .clipboard(let request):
            clipboardRequests.append(request)
        case .faintOn:
            live.pointee.pen.set(.dim, true)
        case .eraseScrollback:
            scrollback.pointee.removeAll()
        case .alternateScreen47(let on):
            // Same screen switch as 1047, which libvterm knows.
            writeRaw(Array("\u{1B}[?1047\(on ? "h" : "l")".utf8))
        case .cursorRestored:
            keepCursorOnScreen()
        case .withholdStart, .withholdEnd, .repeatFinal, .fullResetFinal, .groundReached:
            break  // handled in feed
        }
    }

    /// Puts libvterm's cursor back on screen if a restore brought back one
    /// saved when the screen was bigger (libvterm 0.1 does not clamp it, and
    /// would then write outside its line table).
    private func keepCursorOnScreen() {
        catchUpLibvterm()
        var pos = VTermPos()
        vterm_state_get_cursorpos(state, &pos)
        let row = Int(pos.row), col = Int(pos.col)
        guard row < 0 || row >= rows || col < 0 || col >= cols else { return }
        writeRaw(Array("\u{1B}[\(min(max(row, 0), rows - 1) + 1);\(min(max(col, 0), cols - 1) + 1)H".utf8))
    }

    // MARK: Output

    func output(_ bytes: UnsafeRawBufferPointer) {
        if probe != nil {
            probe!.append(contentsOf: bytes)
        } else {
            pendingOutput.append(contentsOf: bytes)
        }
    }

    func flushOutput() {
        guard !pendingOutput.isEmpty else { return }
        let bytes = pendingOutput
        pendingOutput.removeAll(keepingCapacity: true)
        send?(bytes)
    }

    /// Tells the owner about a new title, bells and clipboard requests, after the bytes are done.
    private func notify() {
        if titleChanged {
            titleChanged = false
            onTitleChange?(title)
        }
        while bellsRung > 0 {
            bellsRung -= 1
            onBell?()
        }
        if !clipboardRequests.isEmpty {
            let requests = clipboardRequests
            clipboardRequests.removeAll()
            for request in requests { onClipboard?(request) }
        }
    }

    // MARK: Size

    /// Changes the size (at least `minimumCols` × 1). Lines that no longer fit
    /// above the cursor go to scrollback; growing taller pulls them back. No
    /// reflow. Scroll margins are reset, as xterm does; the program redraws
    /// on SIGWINCH anyway.
    public func resize(cols: Int, rows: Int) {
        let cols = max(Terminal.minimumCols, cols), rows = max(1, rows)
        guard cols != self.cols || rows != self.rows else { return }
        catchUpLibvterm()
        vterm_set_size(vterm, Int32(rows), Int32(cols))
        scanner.modes.needsProbe = true
        // libvterm clamps the bottom and right margins to the new size but not
        // the top and left ones; an inverted scroll region then makes it
        // memmove a negative length. Reset the margins (xterm does too on
        // resize), at once if libvterm is between sequences, else as soon as
        // it is (a sequence of ours would cut one of the program's in two).
        if scanner.isGround {
            resetMargins()
        } else {
            marginResetPending = true
            scanner.reportGround = true
        }
        flushOutput()
    }

    /// Full-screen margins, the cursor where it was (DECSTBM and DECSLRM home it).
    private func resetMargins() {
        catchUpLibvterm()
        marginResetPending = false
        var pos = VTermPos()
        vterm_state_get_cursorpos(state, &pos)
        writeRaw(Array("\u{1B}[r\u{1B}[s\u{1B}[\(pos.row + 1);\(pos.col + 1)H".utf8))
    }

    /// The most scrollback lines kept; lowering it drops the oldest.
    public var scrollbackLimit: Int {
        get { scrollback.pointee.limit }
        set { scrollback.pointee.setLimit(newValue) }
    }
}
