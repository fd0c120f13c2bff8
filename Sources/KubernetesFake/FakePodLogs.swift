import Foundation

/// What the fake's kubelet keeps of each container's output: the current run's
/// lines, the previous run's (after a restart), and whether the current run
/// has ended; followers are told of each new line and of the end.
public final class FakePodLogs: @unchecked Sendable {
    /// One line as the container runtime keeps it: when it was written, and its text (no newline).
    public struct Line: Sendable, Equatable {
        public var time: Date
        public var text: String
        public init(time: Date, text: String) {
            self.time = time
            self.text = text
        }
    }

    /// What a follower hears.
    enum Event {
        case line(Line)
        /// The run ended (the container exited): the response ends.
        case end
        /// The connection is cut without an end (tests of a dropped stream).
        case drop
    }

    struct Runs {
        var current: [Line] = []
        var previous: [Line]?
        var ended = false
    }

    private let lock = NSLock()
    private var runs: [String: Runs] = [:]
    private var followers: [UUID: (key: String, listener: (Event) -> Void)] = [:]

    public init() {}

    static func key(_ namespace: String, _ pod: String, _ container: String) -> String { "\(namespace)/\(pod)/\(container)" }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Writes `text` to the container's current run, one line per `\n`-separated
    /// piece (a trailing newline adds no empty line); followers get each line.
    public func append(_ namespace: String, _ pod: String, _ container: String, _ text: String, at time: Date = Date()) {
        var pieces = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if text.hasSuffix("\n") { pieces.removeLast() }
        let lines = pieces.map { Line(time: time, text: $0) }
        let key = Self.key(namespace, pod, container)
        let targets: [(Event) -> Void] = locked {
            runs[key, default: Runs()].current += lines
            return followers.values.filter { $0.key == key }.map(\.listener)
        }
        for line in lines {
            for target in targets { target(.line(line)) }
        }
    }

    /// Ends the current run: open follows of it end (after the lines they were sent).
    public func end(_ namespace: String, _ pod: String, _ container: String) {
        let key = Self.key(namespace, pod, container)
        let targets: [(Event) -> Void] = locked {
            runs[key, default: Runs()].ended = true
            return followers.values.filter { $0.key == key }.map(\.listener)
        }
        for target in targets { target(.end) }
    }

    /// The pod is gone (deleted): every follow of its containers ends, as the kubelet's do when it kills them.
    public func endPod(_ namespace: String, _ pod: String) {
        let prefix = "\(namespace)/\(pod)/"
        let targets: [(Event) -> Void] = locked {
            for key in runs.keys where key.hasPrefix(prefix) { runs[key]?.ended = true }
            return followers.values.filter { $0.key.hasPrefix(prefix) }.map(\.listener)
        }
        for target in targets { target(.end) }
    }

    /// A restart: the current run becomes the previous one (ending its follows) and a new, empty run begins.
    public func restart(_ namespace: String, _ pod: String, _ container: String) {
        let key = Self.key(namespace, pod, container)
        let targets: [(Event) -> Void] = locked {
            var container = runs[key] ?? Runs()
            container.previous = container.current
            container.current = []
            container.ended = false
            runs[key] = container
            return followers.values.filter { $0.key == key }.map(\.listener)
        }
        for target in targets { target(.end) }
    }

    /// Sets a container's runs at once (fixtures).
    public func set(_ namespace: String, _ pod: String, _ container: String, current: [Line], previous: [Line]? = nil, ended: Bool = false) {
        locked { runs[Self.key(namespace, pod, container)] = Runs(current: current, previous: previous, ended: ended) }
    }

    /// The lines of the current run, or of the previous one (nil: there was none).
    public func lines(_ namespace: String, _ pod: String, _ container: String, previous: Bool = false) -> [Line]? {
        locked {
            let container = runs[Self.key(namespace, pod, container)]
            return previous ? container?.previous : (container?.current ?? [])
        }
    }

    /// The current run's lines and, unless it has ended, a follow of it from there on (atomically: no line is lost between).
    func follow(_ namespace: String, _ pod: String, _ container: String, listener: @escaping (Event) -> Void) -> (lines: [Line], id: UUID?) {
        let key = Self.key(namespace, pod, container)
        return locked {
            let container = runs[key] ?? Runs()
            guard !container.ended else { return (container.current, nil) }
            let id = UUID()
            followers[id] = (key, listener)
            return (container.current, id)
        }
    }

    func stopFollowing(_ id: UUID) { locked { _ = followers.removeValue(forKey: id) } }

    /// How many follows are open (tests check that a client's cancel closed its request).
    public var openFollows: Int { locked { followers.count } }

    /// Cuts every open follow's connection without an end, as a node or proxy going away does.
    public func dropFollows() {
        let targets = locked { followers.values.map(\.listener) }
        for target in targets { target(.drop) }
    }
}
