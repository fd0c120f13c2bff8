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

    private func refreshOnce() async {
        do {
            async let functions = backend.listFunctions()
            async let instances = backend.listInstances(function: nil)
            let snapshot = PlatformSnapshot(functions: try await functions, instances: try await instances, takenAt: Date())
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
