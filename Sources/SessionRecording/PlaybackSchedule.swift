/// When each event of a recording is due on replay: the recorded gaps, each
/// capped at the idle-time limit, divided by the speed factor.
public struct PlaybackSchedule: Sendable, Equatable {
    /// Seconds to wait before each event, one entry per event.
    public let delays: [Double]

    /// - Parameters:
    ///   - speed: 2 plays twice as fast; must be positive.
    ///   - idleTimeLimit: no pause lasts longer than this (before the speed factor); nil keeps every pause.
    public init(events: [AsciicastEvent], speed: Double, idleTimeLimit: Double?) {
        var previous = 0.0
        delays = events.map { event in
            var gap = max(0, event.time - previous)
            previous = event.time
            if let limit = idleTimeLimit { gap = min(gap, limit) }
            return gap / speed
        }
    }

    /// The replay's length in seconds.
    public var total: Double { delays.reduce(0, +) }
}
