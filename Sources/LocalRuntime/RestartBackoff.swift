import Foundation

/// How a function whose instances keep failing is restarted: the first failure
/// restarts at once; each further one in a row waits twice as long as the last,
/// from `initial` up to `maximum`. A function with an instance that ran for
/// `healthyAfter` starts over from the first failure.
public struct RestartBackoff: Sendable, Equatable {
    public var initial: TimeInterval = 1
    public var maximum: TimeInterval = 60
    public var healthyAfter: TimeInterval = 30

    public init(initial: TimeInterval = 1, maximum: TimeInterval = 60, healthyAfter: TimeInterval = 30) {
        self.initial = initial
        self.maximum = maximum
        self.healthyAfter = healthyAfter
    }

    /// The wait before the next start after `failures` failures in a row.
    func delay(afterFailures failures: Int) -> TimeInterval {
        guard failures > 1 else { return 0 }
        return min(maximum, initial * pow(2, Double(min(failures - 2, 30))))
    }
}
