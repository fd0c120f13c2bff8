#if canImport(Glibc)
import Glibc
#endif
import CShims
import Foundation

/// Every process a benchmark or test starts, so that all of them — and whatever
/// they started — end when it does, whatever happens (success, failure, Ctrl-C).
///
/// Record a process by its pid (a tmux server by its server pid: killing the
/// server through its socket has left panes running). `endAll` ends each
/// recorded process and all its descendants — SIGTERM and SIGHUP, a grace period, then
/// SIGKILL — and reports any that survived. With `adoptOrphans`, processes that
/// detach themselves (daemons) stay in this process's tree, so the descendants
/// of this process are ended too.
///
/// Do not record a process started with Foundation's `Process` that is waited
/// for: `endAll` reaps what it ends, and `Process` would then miss its exit.
///
/// Thread-safe: `lock` guards `recorded`.
public final class ProcessRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [(pid: pid_t, label: String)] = []
    private let includesOwnDescendants: Bool

    /// `adoptOrphans`: make this process the reaper of orphaned descendants and end
    /// every descendant in `endAll` (for a benchmark process; not for a test
    /// process that other tests share).
    public init(adoptOrphans: Bool = false) {
        includesOwnDescendants = adoptOrphans && porthole_adopt_orphans() == 0
    }

    /// Remembers `pid` (and, at cleanup, its descendants) under a label for reports.
    public func record(_ pid: pid_t, as label: String) {
        guard pid > 0 else { return }
        lock.withLock { recorded.append((pid, label)) }
    }

    /// The pids recorded so far, with their labels.
    public var records: [(pid: pid_t, label: String)] { lock.withLock { recorded } }

    /// What `endAll` did.
    public struct Report: Sendable, CustomStringConvertible {
        /// Processes that were running and were ended.
        public var ended: [String]
        /// Processes still running after SIGKILL (should be none).
        public var survivors: [String]

        public var description: String {
            if survivors.isEmpty {
                return "cleanup: ended \(ended.count) process\(ended.count == 1 ? "" : "es"); none left running"
            }
            return "cleanup: \(survivors.count) process(es) STILL RUNNING: " + survivors.joined(separator: "; ")
        }
    }

    /// Ends every recorded process and its descendants (and, with `adoptOrphans`,
    /// this process's descendants): SIGTERM and SIGHUP, up to `grace` seconds, then SIGKILL.
    /// Returns what ran and what survived. Safe to call more than once.
    @discardableResult
    public func endAll(grace: Double = 3) -> Report {
        let roots = lock.withLock { recorded }
        var labels: [pid_t: String] = [:]
        var targets: Set<pid_t> = []
        func collect() {
            let tree = ProcessTree()
            var starts = roots.map(\.pid)
            if includesOwnDescendants { starts.append(getpid()) }
            for root in roots where labels[root.pid] == nil { labels[root.pid] = root.label }
            for start in starts {
                if start != getpid() { targets.insert(start) }
                for pid in tree.descendants(of: start) where pid != getpid() {
                    targets.insert(pid)
                    if labels[pid] == nil { labels[pid] = tree.entries[pid].map { "\($0.name) (child of \($0.parent))" } ?? "?" }
                }
            }
        }
        collect()
        let running = targets.filter(ProcessTree.isRunning)
        let ended = running.sorted().map { "\($0) \(labels[$0] ?? "")" }
        // SIGHUP too: an interactive shell ignores SIGTERM but not a hangup.
        for pid in running {
            kill(pid, SIGTERM)
            kill(pid, SIGHUP)
        }
        waitUntilGone(grace: grace, targets: { targets })
        // Whatever is left (or started while the others shut down) is killed.
        for _ in 0..<3 {
            collect()
            let left = targets.filter(ProcessTree.isRunning)
            if left.isEmpty { break }
            for pid in left { kill(pid, SIGKILL) }
            waitUntilGone(grace: 2, targets: { targets })
        }
        reap(targets)
        let survivors = targets.filter(ProcessTree.isRunning).sorted().map { "\($0) \(ProcessTree.commandLine($0))" }
        return Report(ended: ended, survivors: survivors)
    }

    private func waitUntilGone(grace: Double, targets: () -> Set<pid_t>) {
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline {
            reap(targets())
            if !targets().contains(where: ProcessTree.isRunning) { return }
            usleep(20_000)
        }
    }

    /// Collects the exit status of those targets that are our own children, so
    /// they do not linger as zombies.
    private func reap(_ targets: Set<pid_t>) {
        for pid in targets {
            var status: Int32 = 0
            _ = waitpid(pid, &status, WNOHANG)
        }
    }
}
