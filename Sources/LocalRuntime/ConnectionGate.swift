import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// Counts the API server's connections that have not yet proved they hold the
/// token. Past the cap the oldest of them is closed, so a crowd of silent or
/// half-open connections can never fill the descriptor table and keep a user
/// with the token out.
final class ConnectionGate: Sendable {
    private struct State {
        var order: [ObjectIdentifier] = []
        var pending: [ObjectIdentifier: Channel] = [:]
    }

    let cap: Int
    private let state = NIOLockedValueBox(State())

    init(cap: Int) {
        self.cap = max(1, cap)
    }

    /// A new connection; closes the oldest unauthenticated one when over the cap.
    func admit(_ channel: Channel) {
        let id = ObjectIdentifier(channel)
        let evicted: [Channel] = state.withLockedValue { state in
            state.pending[id] = channel
            state.order.append(id)
            var evicted: [Channel] = []
            while state.pending.count > cap, !state.order.isEmpty {
                let oldest = state.order.removeFirst()
                if let channel = state.pending.removeValue(forKey: oldest) { evicted.append(channel) }
            }
            // Ids of connections that left are dropped lazily; keep the list from growing.
            if state.order.count > 4 * cap { state.order.removeAll { state.pending[$0] == nil } }
            return evicted
        }
        for channel in evicted { channel.close(promise: nil) }
        channel.closeFuture.whenComplete { [self] _ in forget(id) }
    }

    /// The connection sent a request with a valid token: it no longer counts.
    func authenticated(_ channel: Channel) {
        forget(ObjectIdentifier(channel))
    }

    private func forget(_ id: ObjectIdentifier) {
        state.withLockedValue { _ = $0.pending.removeValue(forKey: id) }
    }

    /// Connections waiting to authenticate now (for tests).
    var unauthenticatedCount: Int { state.withLockedValue { $0.pending.count } }
}
