import NIOCore

/// A process that a server-side exec session drives. The local runtime makes
/// these from a pty or from pipes; the pump in `ExecSessionPump` only needs
/// this much of one.
///
/// `io`, `errorOutput` and `exitStatus` must live on the session's event loop.
public protocol ExecProcess: AnyObject {
    /// Reads the process's stdout (the pty stream with a tty) and takes writes for its stdin.
    var io: Channel { get }
    /// The process's stderr, or nil with a tty (the pty merges it).
    var errorOutput: Channel? { get }
    /// Completes with the status to send once the process has exited.
    var exitStatus: EventLoopFuture<ExecStatus> { get }
    /// Applies a new terminal size (tty only).
    func resize(_ size: TerminalSize)
    /// stdin reached EOF: close the pipe, or send the pty's EOF character.
    func closeStdin()
    /// The client went away or the session was ended: stop the process and its children.
    func terminate()
}

/// What a finished server session did, for metrics and the audit log (never content).
public struct ExecSessionSummary: Sendable {
    public var status: ExecStatus
    public var bytesIn: Int
    public var bytesOut: Int
}
