import ExecCore
import NIOCore

/// Starts a local command as the process of a server-side exec session, under
/// a pty or on pipes: what the local platform does inside an instance, offered
/// to other exec servers (the fake Kubernetes API server of the tests) so their
/// shells, exit codes and signals are real ones.
public enum LocalProcessExec {
    /// `argv[0]` must be a path; the environment is the whole environment.
    public static func start(
        argv: [String], environment: [String: String], directory: String, tty: Bool, stdin: Bool,
        size: TerminalSize, eventLoop: EventLoop
    ) -> EventLoopFuture<ExecProcess> {
        LocalExecProcess.start(
            argv: argv, environment: environment, directory: directory, tty: tty, stdin: stdin, size: size,
            eventLoop: eventLoop)
    }
}
