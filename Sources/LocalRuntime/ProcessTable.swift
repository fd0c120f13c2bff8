import Foundation

/// One reading of /proc: every process's parent, CPU time and resident memory,
/// so the sampler can sum whole process trees (an instance and all it started).
struct ProcessTable {
    struct Entry {
        var parent: Int32
        /// utime + stime, in clock ticks.
        var cpuTicks: UInt64
        /// Resident pages.
        var residentPages: Int64
    }

    var entries: [Int32: Entry] = [:]
    var children: [Int32: [Int32]] = [:]

    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    static let pageSize = Int64(sysconf(Int32(_SC_PAGESIZE)))

    static func read() -> ProcessTable {
        var table = ProcessTable()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return table }
        for name in names {
            guard let pid = Int32(name), let entry = readStat(pid) else { continue }
            table.entries[pid] = entry
            table.children[entry.parent, default: []].append(pid)
        }
        return table
    }

    /// /proc/PID/stat: the command name is in parentheses and may hold spaces,
    /// so fields are counted from the last ')'.
    static func readStat(_ pid: Int32) -> Entry? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat"),
              let text = String(data: data, encoding: .utf8),
              let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After ')': state(0) ppid(1) … utime(11) stime(12) … rss(21)
        guard fields.count > 21, let parent = Int32(fields[1]), let user = UInt64(fields[11]),
              let system = UInt64(fields[12]), let rss = Int64(fields[21])
        else { return nil }
        return Entry(parent: parent, cpuTicks: user + system, residentPages: rss)
    }

    /// The roots and every descendant of theirs.
    func tree(of roots: [Int32]) -> [Int32] {
        var result: [Int32] = []
        var stack = roots.filter { entries[$0] != nil }
        var seen = Set<Int32>()
        while let pid = stack.popLast() {
            guard seen.insert(pid).inserted else { continue }
            result.append(pid)
            stack.append(contentsOf: children[pid] ?? [])
        }
        return result
    }

    /// Total CPU ticks and resident bytes of the trees under `roots`.
    func usage(of roots: [Int32]) -> (cpuTicks: UInt64, residentBytes: Int64) {
        var ticks: UInt64 = 0
        var pages: Int64 = 0
        for pid in tree(of: roots) {
            guard let entry = entries[pid] else { continue }
            ticks += entry.cpuTicks
            pages += entry.residentPages
        }
        return (ticks, pages * Self.pageSize)
    }
}
