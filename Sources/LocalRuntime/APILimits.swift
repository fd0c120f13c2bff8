import Foundation

/// What one client may hold of the API server, so that slow, silent or
/// hostile connections cannot lock out the users with a token
/// (docs/PROTOCOL.md §3, "Limits").
public struct APILimits: Sendable {
    /// A new connection must send a whole request (head and body) within this,
    /// and so must a request once its head arrived.
    public var requestTimeout: TimeInterval = 10
    /// A keep-alive connection with no request in flight is closed after this.
    public var idleTimeout: TimeInterval = 60
    /// Connections that have not yet sent a request with a valid token. Past
    /// this, the oldest of them is closed to make room for the new one.
    public var maxUnauthenticatedConnections = 128
    /// The largest exec WebSocket message, all its fragments together.
    public var maxMessageSize = 4 << 20
    /// Bytes of unfinished (fragmented) exec messages held across every connection.
    public var maxPendingMessageBytes = 64 << 20
    /// How long to stop accepting after `accept()` fails for lack of
    /// descriptors (EMFILE), rather than retrying at once in a busy loop.
    public var acceptBackoff: TimeInterval = 1

    public init() {}
}
