import ExecCore
import Foundation

/// One instance's output in a fan-out: kept whole for `-o json`, and cut into
/// lines for the printer as it arrives.
///
/// `@unchecked Sendable`: `collected` and `partial`, its only mutable state,
/// are read and written only while `lock` is held.
final class InstanceOutput: @unchecked Sendable {
    let instanceId: String
    private let printer: PrefixedLinePrinter?
    private let lock = NSLock()
    private var collected: [[UInt8]] = [[], []]
    private var partial: [[UInt8]] = [[], []]

    init(instanceId: String, printer: PrefixedLinePrinter?) {
        self.instanceId = instanceId
        self.printer = printer
    }

    var handlers: ExecCallbacks {
        ExecCallbacks(onStdout: { self.receive($0, stream: 0) }, onStderr: { self.receive($0, stream: 1) })
    }

    var stdout: String { lock.withLock { String(decoding: collected[0], as: UTF8.self) } }
    var stderr: String { lock.withLock { String(decoding: collected[1], as: UTF8.self) } }

    func receive(_ bytes: [UInt8], stream: Int) {
        lock.withLock {
            collected[stream] += bytes
            guard let printer else { return }
            partial[stream] += bytes
            var start = partial[stream].startIndex
            while let newline = partial[stream][start...].firstIndex(of: 0x0A) {
                printer.printLine(partial[stream][start..<newline], instanceId: instanceId, fd: Int32(stream + 1))
                start = newline + 1
            }
            partial[stream].removeFirst(start)
        }
    }

    /// Prints a last line that had no newline.
    func finish() {
        lock.withLock {
            guard let printer else { return }
            for stream in 0..<2 where !partial[stream].isEmpty {
                printer.printLine(partial[stream][...], instanceId: instanceId, fd: Int32(stream + 1))
                partial[stream] = []
            }
        }
    }
}
