#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The processes on this machine as /proc shows them now: who is whose parent,
/// what each one is, and whether it still runs.
public struct ProcessTree: Sendable {
    /// One process: its pid, parent, state letter (R, S, Z…) and command name.
    public struct Entry: Sendable {
        public var pid: pid_t
        public var parent: pid_t
        public var state: Character
        public var name: String
    }

    public private(set) var entries: [pid_t: Entry] = [:]
    private var children: [pid_t: [pid_t]] = [:]

    /// Reads every /proc/PID/stat once.
    public init() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for name in names {
            guard let pid = pid_t(name), let entry = Self.read(pid) else { continue }
            entries[pid] = entry
            children[entry.parent, default: []].append(pid)
        }
    }

    /// `root`'s descendants (children, their children, …), without `root`.
    public func descendants(of root: pid_t) -> [pid_t] {
        var found: [pid_t] = []
        var queue = children[root] ?? []
        while let pid = queue.popLast() {
            found.append(pid)
            queue += children[pid] ?? []
        }
        return found
    }

    /// Whether `pid` runs: exists and is not a zombie waiting to be reaped.
    public static func isRunning(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let entry = read(pid) else { return false }
        return entry.state != "Z" && entry.state != "X"
    }

    /// `/proc/PID/stat`: "pid (comm) S ppid …"; comm may hold spaces and parentheses.
    public static func read(_ pid: pid_t) -> Entry? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")") else { return nil }
        let name = String(text[text.index(after: open)..<close])
        let rest = text[text.index(after: close)...].split(separator: " ")
        guard rest.count >= 2, let state = rest[0].first, let parent = pid_t(rest[1]) else { return nil }
        return Entry(pid: pid, parent: parent, state: state, name: name)
    }

    /// The command line of `pid`, for reports ("sleep 600").
    public static func commandLine(_ pid: pid_t) -> String {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else {
            return read(pid)?.name ?? "?"
        }
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
    }
}
