import Foundation

/// Prints fan-out output a line at a time, each line behind its instance's id
/// (coloured, one colour per instance, when the stream is a terminal), so lines
/// from different instances never mix inside one line. Instances may be added
/// later (`porthole logs -f --function` picks up new ones); the ids are padded
/// to the widest one known when the line is printed.
///
/// `@unchecked Sendable`: `order` and `width`, its only mutable state, are read
/// and written only while `lock` is held.
final class PrefixedLinePrinter: @unchecked Sendable {
    /// Foreground colours that read on dark and light backgrounds; red is left for errors.
    static let palette = [36, 33, 35, 32, 34, 96, 93, 95, 92, 94]

    private let colorStdout: Bool
    private let colorStderr: Bool
    private let lock = NSLock()
    /// Each instance's place, which chooses its colour.
    private var order: [String: Int] = [:]
    private var width = 0

    init(instanceIds: [String], colorStdout: Bool, colorStderr: Bool) {
        self.colorStdout = colorStdout
        self.colorStderr = colorStderr
        for id in instanceIds { add(id) }
    }

    /// Gives `instanceId` the next colour (once) and widens the prefix column to fit it.
    func add(_ instanceId: String) {
        lock.withLock {
            guard order[instanceId] == nil else { return }
            order[instanceId] = order.count
            width = max(width, instanceId.count)
        }
    }

    /// Writes one whole line (without its newline) of `instanceId`'s stdout (fd 1) or stderr (fd 2).
    @discardableResult
    func printLine(_ line: ArraySlice<UInt8>, instanceId: String, fd: Int32) -> Bool {
        printLines([line], instanceId: instanceId, fd: fd)
    }

    /// Writes whole lines of one instance in one go (one write for a chunk of a
    /// busy log); false when `fd` refused them (a pipe whose reader is gone).
    @discardableResult
    func printLines(_ lines: [ArraySlice<UInt8>], instanceId: String, fd: Int32) -> Bool {
        guard !lines.isEmpty else { return true }
        return lock.withLock {
            let prefix = prefix(instanceId, color: fd == 2 ? colorStderr : colorStdout)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(lines.reduce(0) { $0 + $1.count + prefix.count + 1 })
            for line in lines {
                bytes.append(contentsOf: prefix)
                bytes.append(contentsOf: line)
                bytes.append(0x0A)
            }
            return writeAll(fd, bytes)
        }
    }

    /// "id   | ", coloured; called with `lock` held.
    private func prefix(_ instanceId: String, color: Bool) -> [UInt8] {
        let padded = instanceId.padding(toLength: max(width, instanceId.count), withPad: " ", startingAt: 0)
        guard color, let index = order[instanceId] else { return Array("\(padded) | ".utf8) }
        return Array("\u{1b}[\(Self.palette[index % Self.palette.count])m\(padded)\u{1b}[0m | ".utf8)
    }
}
