import Foundation
import Platform

/// Lists functions and instances every `interval` on a background task and posts
/// each result (or failure) to the inbox. A failure is reported and retried on the
/// next tick: losing the server shows a banner, it does not end the console.
///
/// `@unchecked Sendable`: its task runs on the cooperative pool while the UI
/// thread calls `start`, `stop` and `refreshSoon`. `backend`, `interval` and
/// `inbox` are immutable (and Sendable); `wakeRequested` and `task` are touched
/// only while holding `lock`.
final class Refresher: @unchecked Sendable {
    private let backend: any PlatformBackend
    private let interval: TimeInterval
    private let inbox: Inbox
    private let lock = NSLock()
    private var wakeRequested = false
    private var task: Task<Void, Never>?

    init(backend: any PlatformBackend, interval: TimeInterval, inbox: Inbox) {
        self.backend = backend
        self.interval = max(0.2, interval)
        self.inbox = inbox
    }

    func start() {
        let started = Task.detached { [self] in
            while !Task.isCancelled {
                await refreshOnce()
                await sleepUntilNextTick()
            }
        }
        lock.withLock { task = started }
    }

    func stop() {
        let running = lock.withLock {
            defer { task = nil }
            return task
        }
        running?.cancel()
    }

    /// Refreshes at once rather than at the next tick (after a login, say).
    func refreshSoon() {
        lock.withLock { wakeRequested = true }
    }

    /// How long one refresh may take before the console calls the server
    /// unresponsive: a frozen server accepts connections and never answers, and
    /// the banner must come within about one refresh, not after an HTTP timeout.
    var deadline: TimeInterval { max(2, interval) }

    private func refreshOnce() async {
        let backend = self.backend
        let deadline = self.deadline
        do {
            let snapshot = try await withThrowingTaskGroup(of: PlatformSnapshot?.self) { group in
                group.addTask {
                    async let functions = backend.listFunctions()
                    async let instances = backend.listInstances(function: nil)
                    return PlatformSnapshot(functions: try await functions, instances: try await instances, takenAt: Date())
                }
                group.addTask {
                    try await Task.sleep(nanoseconds: UInt64(deadline * 1e9))
                    return nil
                }
                defer { group.cancelAll() }
                return try await group.next() ?? nil
            }
            guard let snapshot else {
                inbox.post(.refreshFailed("the server did not answer within \(Int(deadline)) s"))
                return
            }
            inbox.post(.snapshot(snapshot))
        } catch is CancellationError {
            return
        } catch {
            inbox.post(.refreshFailed("\(error)"))
        }
    }

    // Sleeps in short slices so `refreshSoon` takes effect within 50 ms.
    private func sleepUntilNextTick() async {
        let deadline = Date().addingTimeInterval(interval)
        while Date() < deadline, !Task.isCancelled {
            let wake = lock.withLock {
                defer { wakeRequested = false }
                return wakeRequested
            }
            if wake { return }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
    }
}
