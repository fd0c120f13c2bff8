import Foundation

/// Prints fan-out output a line at a time, each line behind its instance's id
/// (coloured, one colour per instance, when the stream is a terminal), so lines
/// from different instances never mix inside one line.
final class PrefixedLinePrinter: Sendable {
    /// Foreground colours that read on dark and light backgrounds; red is left for errors.
    static let palette = [36, 33, 35, 32, 34, 96, 93, 95, 92, 94]

    private let stdoutPrefixes: [String: [UInt8]]
    private let stderrPrefixes: [String: [UInt8]]
    private let lock = NSLock()

    init(instanceIds: [String], colorStdout: Bool, colorStderr: Bool) {
        let width = instanceIds.map(\.count).max() ?? 0
        func prefixes(color: Bool) -> [String: [UInt8]] {
            var table: [String: [UInt8]] = [:]
            for (index, id) in instanceIds.enumerated() {
                let padded = id.padding(toLength: width, withPad: " ", startingAt: 0)
                let text = color ? "\u{1b}[\(Self.palette[index % Self.palette.count])m\(padded)\u{1b}[0m | " : "\(padded) | "
                table[id] = Array(text.utf8)
            }
            return table
        }
        stdoutPrefixes = prefixes(color: colorStdout)
        stderrPrefixes = prefixes(color: colorStderr)
    }

    /// Writes one whole line (without its newline) of `instanceId`'s stdout (fd 1) or stderr (fd 2).
    func printLine(_ line: ArraySlice<UInt8>, instanceId: String, fd: Int32) {
        var bytes = (fd == 2 ? stderrPrefixes : stdoutPrefixes)[instanceId] ?? Array("\(instanceId) | ".utf8)
        bytes.append(contentsOf: line)
        bytes.append(0x0A)
        lock.withLock { writeAll(fd, bytes) }
    }
}
