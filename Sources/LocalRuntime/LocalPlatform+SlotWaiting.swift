import Foundation

/// Invocations that found every slot busy wait here until something changes.
extension LocalPlatform {
    /// Waits until something changes (a slot frees, an instance starts or ends) or `timeout` passes.
    func waitForChange(timeout: TimeInterval) async {
        let id = UUID()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            locked { slotWaiters[id] = continuation }
            queue.asyncAfter(deadline: .now() + timeout) { [weak self] in
                guard let self else { return }
                let waiter = self.locked { self.slotWaiters.removeValue(forKey: id) }
                waiter?.resume()
            }
        }
    }

    func wakeSlotWaiters() {
        let waiters: [CheckedContinuation<Void, Never>] = locked {
            defer { slotWaiters = [:] }
            return Array(slotWaiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }
}
