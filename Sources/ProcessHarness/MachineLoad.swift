#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// How busy this machine is: the 1-minute load average and the share of all
/// cores that sat idle over a short sample, so a benchmark figure comes with
/// the conditions it was taken in.
public struct MachineLoad: Sendable, CustomStringConvertible {
    public var loadAverage: Double
    /// Idle share of all cores over the sample, 0…1.
    public var idle: Double
    public var cores: Int

    public var description: String {
        String(format: "load %.2f, idle %.0f%% of %d cores", loadAverage, idle * 100, cores)
    }

    /// Samples /proc/stat over `seconds`.
    public static func sample(over seconds: Double = 1) -> MachineLoad {
        let before = cpuTimes()
        usleep(useconds_t(max(0.05, seconds) * 1_000_000))
        let after = cpuTimes()
        let total = Double(after.total - before.total)
        let idle = total > 0 ? Double(after.idle - before.idle) / total : 0
        return MachineLoad(loadAverage: loadAverage1(), idle: idle, cores: ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Waits, at most `maxWait` seconds, until at least `idleAtLeast` of the
    /// machine is idle over a one-second sample. Returns the last sample, how long
    /// it waited, and whether the machine was quiet.
    public static func waitForQuiet(idleAtLeast: Double = 0.8, maxWait: Double = 20) -> (load: MachineLoad, waited: Double, quiet: Bool) {
        let start = Date()
        var load = sample()
        while load.idle < idleAtLeast && Date().timeIntervalSince(start) < maxWait {
            load = sample()
        }
        return (load, Date().timeIntervalSince(start), load.idle >= idleAtLeast)
    }

    /// Non-idle CPU time of the whole machine since boot, all cores, in seconds:
    /// the difference over a run is what every process together spent in it.
    public static func busySeconds() -> Double {
        let times = cpuTimes()
        return Double(times.total - times.idle) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Jiffies of all CPUs from the first line of /proc/stat: (idle + iowait, total).
    static func cpuTimes() -> (idle: UInt64, total: UInt64) {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let first = text.split(separator: "\n").first else { return (0, 0) }
        let fields = first.split(separator: " ").dropFirst().compactMap { UInt64($0) }
        guard fields.count >= 5 else { return (0, 0) }
        return (fields[3] + fields[4], fields.prefix(8).reduce(0, +))
    }

    static func loadAverage1() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return .nan }
        return Double(text.split(separator: " ").first ?? "") ?? .nan
    }
}

/// CPU time a process has used so far (user + system), in seconds, from /proc/PID/stat.
public func cpuSeconds(of pid: pid_t) -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = text.lastIndex(of: ")") else { return nil }
    let fields = text[text.index(after: close)...].split(separator: " ")
    // After the comm: state(0) ppid(1) … utime(11) stime(12).
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}
