import Foundation

/// One function's run of failures in a row, kept by the supervisor while its
/// instances keep dying (guarded by `LocalPlatform`'s lock).
struct CrashLoop {
    var failures = 0
    var lastReason = ""
    /// No instance of the function starts before this.
    var nextStart = Date.distantPast

    /// Counts a failure at `now`; returns the wait before the next start.
    mutating func recordFailure(reason: String, now: Date, backoff: RestartBackoff) -> TimeInterval {
        failures += 1
        lastReason = reason
        let delay = backoff.delay(afterFailures: failures)
        nextStart = now.addingTimeInterval(delay)
        return delay
    }

    /// "4 s", "0.3 s": a wait as people read it.
    static func seconds(_ interval: TimeInterval) -> String {
        interval < 10 && interval != interval.rounded() ? String(format: "%.1f s", interval) : String(format: "%.0f s", interval)
    }
}
