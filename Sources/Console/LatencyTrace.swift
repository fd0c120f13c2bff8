import CShims
import Foundation

/// An opt-in trace of each keystroke's path through the console, for finding
/// where echo latency goes: `PORTHOLE_TRACE_LATENCY=FILE porthole` appends one
/// line per stage to FILE. Off (nil) unless the variable is set, so the cost when
/// off is one check of a lazily set global per stage.
///
/// The file starts with a `#` header line, then one line per event:
///
///     <CLOCK_MONOTONIC ns> <stage> <pane> <keystroke number> [<key>=<value>…]
///
/// Stages, in order, for the keystroke numbered N (counting from 1 for the whole run):
/// - `key`: the key was read from the outer terminal and is about to go to the pane;
///   `work=` is how long (µs) the UI loop worked before the `poll` that returned
///   with it, and `poll=` how long that `poll` waited — a key typed while the loop
///   was busy waits at most `work`;
/// - `sent`: it was encoded and handed to the session (or held until it opens);
/// - `received`: the pane's session delivered its first output after the key
///   (network thread), normally the echo;
/// - `fed`: that output went into the pane's emulator;
/// - `frame`: a frame showing it began to be drawn;
/// - `drawn`: curses wrote that frame to the outer terminal (`doupdate` returned);
///   `outq=` is what the outer terminal had not yet read then (TIOCOUTQ bytes).
///
/// A later keystroke in the same pane before the echo arrives takes over: the
/// stages that follow carry its number.
///
/// `@unchecked Sendable`: `received` runs on network threads and the rest on the
/// UI thread; all mutable state is touched only while holding `lock`.
final class LatencyTrace: @unchecked Sendable {
    enum Stage: String, CaseIterable {
        case key, sent, received, fed, frame, drawn
    }

    /// The trace named by `PORTHOLE_TRACE_LATENCY`, or nil (the default).
    static let shared: LatencyTrace? = {
        guard let path = ProcessInfo.processInfo.environment["PORTHOLE_TRACE_LATENCY"], !path.isEmpty else { return nil }
        return LatencyTrace(path: path)
    }()

    static let header = "# porthole latency trace v1: monotonic_ns stage pane keystroke [key=value...]"

    private let lock = NSLock()
    private let fd: Int32
    private var keystrokes = 0
    /// Pane → its latest keystroke.
    private var latest: [Int: Int] = [:]
    /// The UI loop's last `poll`: when it was entered, when it returned, and the work before it (ns).
    private var pollEntered: UInt64 = 0
    private var pollReturned: UInt64 = 0
    private var workBeforePoll: UInt64 = 0
    /// Pane → keystroke whose echo has not arrived yet.
    private var awaitingOutput: [Int: Int] = [:]
    /// Pane → keystroke whose echo arrived but is not yet in the emulator.
    private var awaitingFeed: [Int: Int] = [:]
    /// Keystrokes (with their pane) whose echo is in an emulator but not yet on screen.
    private var awaitingFrame: [(pane: Int, keystroke: Int)] = []
    private var drawing: [(pane: Int, keystroke: Int)] = []

    /// Opens (appending, creating 0600) the trace file; nil, with a note on stderr, when it cannot.
    init?(path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            FileHandle.standardError.write(Data("porthole: cannot write the latency trace \(path): \(String(cString: strerror(errno))); tracing is off\n".utf8))
            return nil
        }
        self.fd = fd
        write(Self.header + "\n")
    }

    deinit { close(fd) }

    /// A key for `pane` was read from the outer terminal.
    func key(pane: Int) {
        lock.lock()
        defer { lock.unlock() }
        keystrokes += 1
        awaitingOutput[pane] = keystrokes
        latest[pane] = keystrokes
        emit(.key, pane: pane, keystroke: keystrokes,
             extra: " work=\(workBeforePoll / 1000) poll=\((pollReturned &- pollEntered) / 1000)")
    }

    /// The key was handed to the pane's session (its echo may be back already).
    func sent(pane: Int) {
        lock.lock()
        defer { lock.unlock() }
        if let keystroke = latest[pane] { emit(.sent, pane: pane, keystroke: keystroke) }
    }

    /// The UI loop is about to `poll`.
    func polling() {
        let now = Self.nanos()
        lock.lock()
        workBeforePoll = pollReturned == 0 ? 0 : now &- pollReturned
        pollEntered = now
        lock.unlock()
    }

    /// The UI loop's `poll` returned.
    func polled() {
        let now = Self.nanos()
        lock.lock()
        pollReturned = now
        lock.unlock()
    }

    /// Output for `pane` arrived from its session (any thread).
    func received(pane: Int) {
        lock.lock()
        defer { lock.unlock() }
        guard let keystroke = awaitingOutput.removeValue(forKey: pane) else { return }
        awaitingFeed[pane] = keystroke
        emit(.received, pane: pane, keystroke: keystroke)
    }

    /// Output of `pane` went into its emulator.
    func fed(pane: Int) {
        lock.lock()
        defer { lock.unlock() }
        guard let keystroke = awaitingFeed.removeValue(forKey: pane) else { return }
        awaitingFrame.append((pane, keystroke))
        emit(.fed, pane: pane, keystroke: keystroke)
    }

    /// A frame begins to be drawn.
    func frameStarted() {
        lock.lock()
        defer { lock.unlock() }
        drawing = awaitingFrame
        awaitingFrame = []
        for (pane, keystroke) in drawing { emit(.frame, pane: pane, keystroke: keystroke) }
    }

    /// The frame went to the outer terminal, which has `pending` bytes not yet read.
    func frameDrawn(pending: Int) {
        lock.lock()
        defer { lock.unlock() }
        for (pane, keystroke) in drawing { emit(.drawn, pane: pane, keystroke: keystroke, extra: " outq=\(pending)") }
        drawing = []
    }

    static func nanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    private func emit(_ stage: Stage, pane: Int, keystroke: Int, extra: String = "") {
        write("\(Self.nanos()) \(stage.rawValue) \(pane) \(keystroke)\(extra)\n")
    }

    private func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in _ = Glibc.write(fd, bytes.baseAddress, bytes.count) }
    }
}
