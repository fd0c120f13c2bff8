import Foundation

/// The metrics sampler: CPU% and resident memory of each live instance and
/// everything it started, read from /proc once per tick.
extension LocalPlatform {
    func sampleMetrics() {
        let table = ProcessTable.read()
        let now = Date()
        locked {
            for instance in instances.values where instance.status.isLive {
                guard let pid = instance.process?.pid else { continue }
                let usage = table.usage(of: [pid] + Array(instance.execPids))
                if let lastTicks = instance.lastCPUTicks, let lastAt = instance.lastSampleAt {
                    let elapsed = now.timeIntervalSince(lastAt)
                    let ticks = usage.cpuTicks >= lastTicks ? usage.cpuTicks - lastTicks : 0
                    if elapsed > 0 { instance.cpuPercent = Double(ticks) / ProcessTable.ticksPerSecond / elapsed * 100 }
                } else {
                    instance.cpuPercent = 0
                }
                instance.lastCPUTicks = usage.cpuTicks
                instance.lastSampleAt = now
                instance.memoryBytes = usage.residentBytes
            }
        }
    }
}
