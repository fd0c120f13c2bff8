import Foundation

/// Notices that stdout, a pipe, lost its reader (`porthole logs -f | head`
/// after head exits) while nothing is being written: poll() reports POLLERR on
/// a pipe's write end once its read end is closed. A thread of its own, as it
/// blocks in poll() until then or until `stop`.
///
/// `@unchecked Sendable`: `wake` holds descriptors that are written once, in
/// `start`, before the thread starts, and closed only after it has ended.
final class StdoutWatch: @unchecked Sendable {
    /// A pipe whose read end the watching thread also polls, so `stop` can wake it.
    private let wake: (read: Int32, write: Int32)
    private let done = DispatchSemaphore(value: 0)

    private init(wake: (Int32, Int32)) { self.wake = wake }

    /// Starts watching when stdout is a pipe (nil otherwise); `closed` runs once, on the watching thread.
    static func start(closed: @escaping @Sendable () -> Void) -> StdoutWatch? {
        var status = stat()
        guard fstat(1, &status) == 0, (status.st_mode & S_IFMT) == S_IFIFO else { return nil }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let watch = StdoutWatch(wake: (fds[0], fds[1]))
        let thread = Thread {
            var polled = [pollfd(fd: 1, events: 0, revents: 0), pollfd(fd: watch.wake.read, events: Int16(POLLIN), revents: 0)]
            while poll(&polled, 2, -1) < 0 && errno == EINTR {}
            if polled[1].revents == 0 && polled[0].revents & Int16(POLLERR | POLLHUP) != 0 { closed() }
            watch.done.signal()
        }
        thread.name = "porthole-stdout-watch"
        thread.start()
        return watch
    }

    /// Ends the watching thread and waits for it.
    func stop() {
        var byte: UInt8 = 0
        _ = write(wake.write, &byte, 1)
        done.wait()
        close(wake.read)
        close(wake.write)
    }
}
