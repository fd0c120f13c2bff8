import Foundation

/// Back-pressure for a log pane: its reading task waits here before taking the
/// next chunk while the pane's `PaneOutput` is past its high-water mark, as an
/// exec session stops receiving. The stream is pulled no faster than the UI
/// thread feeds the emulator, so a flooding log costs bounded memory here.
///
/// `@unchecked Sendable`: `closed`, `opened` and `waiter` are touched only under
/// `lock`; the waiter is resumed after the lock is released.
final class LogFlowGate: @unchecked Sendable {
    private let lock = NSLock()
    private var closed = false
    /// Once set, nothing waits again (the task was cancelled or the pane closed).
    private var opened = false
    private var waiter: CheckedContinuation<Void, Never>?

    /// `PaneOutput`'s flow control: false holds the reader, true lets it go on.
    func setReceiving(_ receiving: Bool) {
        let resume: CheckedContinuation<Void, Never>? = lock.withLock {
            closed = !receiving
            guard receiving else { return nil }
            defer { waiter = nil }
            return waiter
        }
        resume?.resume()
    }

    /// Lets the reader through for good (cancellation, the pane closed).
    func openForGood() {
        let resume: CheckedContinuation<Void, Never>? = lock.withLock {
            opened = true
            defer { waiter = nil }
            return waiter
        }
        resume?.resume()
    }

    /// Returns at once while receiving; otherwise when receiving resumes or the task is cancelled.
    func waitWhileClosed() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let wait: Bool = lock.withLock {
                    guard closed, !opened else { return false }
                    waiter = continuation
                    return true
                }
                if !wait { continuation.resume() }
            }
        } onCancel: {
            openForGood()
        }
    }
}
