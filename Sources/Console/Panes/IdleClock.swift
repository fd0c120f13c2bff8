import Foundation
import Platform

/// Counts down a pane session's `idleTimeout` the way the server counts it:
/// from the last data in either direction (keys sent, output received, or a
/// keepalive where the platform counts one).
struct IdleClock {
    /// Seconds of no data before the platform closes the session.
    let timeout: TimeInterval
    /// The platform counts `ExecSession.keepalive()` as activity.
    let keepaliveCounts: Bool
    private(set) var lastActivity: Date
    /// The status line has warned about this idle stretch.
    var warned = false
    /// The title text last drawn, so a new one is drawn only when it changes.
    var shownText: String?

    /// A clock for a session asking for `timeout` seconds on a platform with
    /// `rule`; nil when nothing will close the session for idleness.
    init?(timeout: Int?, rule: ExecIdleRule, now: Date = Date()) {
        guard let timeout, timeout > 0, case .dataOnly(let keepalive) = rule else { return nil }
        self.timeout = TimeInterval(timeout)
        keepaliveCounts = keepalive
        lastActivity = now
    }

    /// A minute before the end, or half the timeout when it is shorter than two minutes.
    var warningLead: TimeInterval { min(60, timeout / 2) }

    mutating func touch(now: Date = Date()) {
        lastActivity = now
        warned = false
        shownText = nil
    }

    func remaining(now: Date) -> TimeInterval { max(0, timeout - now.timeIntervalSince(lastActivity)) }

    func isWarning(now: Date) -> Bool { remaining(now: now) <= warningLead }

    /// Seconds under two minutes, else whole minutes rounded up (599 s reads
    /// 10m, never less than is left), hours past one.
    static func text(_ seconds: TimeInterval) -> String {
        if seconds >= 3600 { return Format.duration(seconds) }
        if seconds >= 120 { return "\(Int((seconds / 60).rounded(.up)))m" }
        return "\(Int(seconds.rounded(.up)))s"
    }

    /// "idle 9m left", then seconds in the last two minutes, "⚠ idle: closes in 42s" in the warning.
    func titleText(now: Date) -> String {
        let left = remaining(now: now)
        let seconds = Int(left.rounded(.up))
        if isWarning(now: now) { return "⚠ idle: closes in \(seconds)s" }
        return "idle \(Self.text(left)) left"
    }
}
