import CShims
import Foundation

/// The one way other threads reach the UI thread: they post events here and the
/// eventfd wakes the UI thread out of `poll()`. (curses and libvterm belong to the
/// UI thread alone, and `@MainActor` work never runs while it sits in `poll()`.)
///
/// `@unchecked Sendable`: `events` is touched only while holding `lock`;
/// `fileDescriptor` is immutable, and eventfd reads and writes are atomic in
/// the kernel. The eventfd comes from `CShims` (Swift's Glibc hides `eventfd`).
final class Inbox: @unchecked Sendable {
    /// Poll this for readability; it is readable while events wait.
    let fileDescriptor: Int32
    private let lock = NSLock()
    private var events: [ConsoleEvent] = []

    init() throws {
        let fd = porthole_eventfd()
        guard fd >= 0 else { throw ConsoleError.system("cannot create an eventfd: \(String(cString: strerror(errno)))") }
        fileDescriptor = fd
    }

    deinit { close(fileDescriptor) }

    func post(_ event: ConsoleEvent) {
        lock.lock()
        let wasEmpty = events.isEmpty
        events.append(event)
        lock.unlock()
        // One wake-up per batch: the UI thread takes everything at once.
        if wasEmpty { _ = porthole_eventfd_signal(fileDescriptor) }
    }

    /// Everything posted so far, oldest first.
    func drain() -> [ConsoleEvent] {
        _ = porthole_eventfd_drain(fileDescriptor)
        lock.lock()
        defer { lock.unlock() }
        let taken = events
        events = []
        return taken
    }
}
