import Foundation

/// Bytes from a pane's exec session waiting for the UI thread. Network threads
/// append; the UI thread takes them in slices, so a flood of output costs one
/// inbox event per UI pass, not one per packet.
///
/// Bounded: past `highWater` waiting bytes the session stops receiving (the
/// server then stops reading the program, which blocks in its writes, as on a
/// real terminal that cannot keep up), and it starts again below `lowWater`.
///
/// `@unchecked Sendable`: network threads append and the UI thread takes, so
/// every stored property is read and written only while holding `lock`; the
/// flow-control callback is called after the lock is released (it may call
/// into the session, which must not wait on us).
final class PaneOutput: @unchecked Sendable {
    static let highWater = 4 << 20
    static let lowWater = 512 << 10

    private let lock = NSLock()
    private var bytes: [UInt8] = []
    /// Bytes before this index were taken already (compacted now and then,
    /// so taking a slice does not move the rest).
    private var head = 0
    private var paused = false
    /// Stops (false) or resumes (true) the session's receiving; nil while no
    /// session is open.
    private var flowControl: ((Bool) -> Void)?

    /// Bytes waiting.
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return bytes.count - head
    }

    /// Connects the bound to a session (nil: none open); receiving starts on.
    func setFlowControl(_ control: ((Bool) -> Void)?) {
        lock.lock()
        flowControl = control
        paused = false
        lock.unlock()
    }

    /// Appends and says whether the buffer was empty (the caller then tells the UI).
    func append(_ chunk: [UInt8]) -> Bool {
        lock.lock()
        let wasEmpty = bytes.count == head
        bytes.append(contentsOf: chunk)
        var pause: ((Bool) -> Void)?
        if !paused, bytes.count - head >= Self.highWater, let control = flowControl {
            paused = true
            pause = control
        }
        lock.unlock()
        pause?(false)
        return wasEmpty && !chunk.isEmpty
    }

    /// Takes at most `limit` bytes; `more` says whether some are left for the next pass.
    func take(upTo limit: Int) -> (bytes: [UInt8], more: Bool) {
        lock.lock()
        let end = min(bytes.count, head + limit)
        let taken = Array(bytes[head..<end])
        head = end
        if head == bytes.count {
            bytes.removeAll(keepingCapacity: bytes.capacity <= Self.highWater)
            head = 0
        } else if head >= 1 << 16, head * 2 >= bytes.count {
            bytes.removeFirst(head)
            head = 0
        }
        let more = bytes.count > head
        var resume: ((Bool) -> Void)?
        if paused, bytes.count - head < Self.lowWater {
            paused = false
            resume = flowControl
        }
        lock.unlock()
        resume?(true)
        return (taken, more)
    }
}
