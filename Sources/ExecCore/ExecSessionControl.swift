import NIOCore

/// A thread-safe handle on one server session, kept by whoever may need to end
/// it from outside (the instance supervisor on release or failure).
///
/// `@unchecked Sendable`: `pump` is written once on the session's event loop
/// (`attach`) and read only there (`end` hops onto the loop first).
public final class ExecSessionControl: @unchecked Sendable {
    private let eventLoop: EventLoop
    /// Weak: the session's channel owns the pump; this handle must not keep a
    /// finished session alive.
    private weak var pump: ExecSessionPump?

    init(eventLoop: EventLoop) {
        self.eventLoop = eventLoop
    }

    func attach(_ pump: ExecSessionPump) { self.pump = pump }

    /// Sends `status` to the client and ends the session.
    public func end(with status: ExecStatus) {
        eventLoop.execute { [weak self] in self?.pump?.end(with: status) }
    }
}
