import Foundation
import NIOConcurrencyHelpers

/// A value fetched in the background and kept for `maxAge`: the first reader
/// waits for the first fetch; later readers get the last value at once and,
/// when it is older than `maxAge`, start one fetch for the next reader.
///
/// The fetch runs in its own task, so a refresh that gives up (the console's
/// refresh deadline cancels it) does not cut a slow answer short, nor cache
/// the cut-off answer as "no data": on a big cluster the first lists may take
/// longer than one refresh, and they carry on until they land.
final class RefreshingValue<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var at = Date.distantPast
        var fetching = false
        var maxAge: TimeInterval
    }
    private let state: NIOLockedValueBox<State>
    private let fetch: @Sendable () async -> Value

    init(maxAge: TimeInterval, fetch: @escaping @Sendable () async -> Value) {
        state = NIOLockedValueBox(State(maxAge: maxAge))
        self.fetch = fetch
    }

    var maxAge: TimeInterval {
        get { state.withLockedValue { $0.maxAge } }
        set { state.withLockedValue { $0.maxAge = newValue } }
    }

    /// The value and when it was fetched; throws only when the caller is cancelled
    /// while waiting for the very first value.
    func get() async throws -> (value: Value, at: Date) {
        while true {
            let (current, start): ((Value, Date)?, Bool) = state.withLockedValue { state in
                let stale = Date().timeIntervalSince(state.at) >= state.maxAge
                let start = stale && !state.fetching
                if start { state.fetching = true }
                return (state.value.map { ($0, state.at) }, start)
            }
            if start {
                let fetch = self.fetch
                Task { [state] in
                    let value = await fetch()
                    state.withLockedValue { state in
                        state.value = value
                        state.at = Date()
                        state.fetching = false
                    }
                }
            }
            if let current { return current }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
    }
}
