import Foundation
import Platform

/// Lists functions and instances every `interval` on a background task and posts
/// each result (or failure) to the inbox. A failure is reported and retried on the
/// next tick: losing the server shows a banner, it does not end the console.
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
        task = Task.detached { [self] in
            while !Task.isCancelled {
                await refreshOnce()
                await sleepUntilNextTick()
            }
        }
    }

    func stop() {
        task?.cancel()
        task = nil
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
