import Foundation

/// The last few KiB a background command printed, for the line the status
/// line shows when it ends. Appended from network threads.
final class OutputTail: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    private let limit: Int

    init(limit: Int = 4096) {
        self.limit = limit
    }

    func append(_ chunk: [UInt8]) {
        lock.lock()
        defer { lock.unlock() }
        bytes.append(contentsOf: chunk)
        if bytes.count > limit { bytes.removeFirst(bytes.count - limit) }
    }

    /// Every line kept, as text.
    var lines: [String] {
        lock.lock()
        let text = String(decoding: bytes, as: UTF8.self)
        lock.unlock()
        return text.split(separator: "\n").map(String.init)
    }

    /// The last non-empty line, control characters removed, at most 200 characters.
    var lastLine: String {
        lock.lock()
        let text = String(decoding: bytes, as: UTF8.self)
        lock.unlock()
        let line = text.split(whereSeparator: \.isNewline).last { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? ""
        let clean = String(String.UnicodeScalarView(line.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
        return String(clean.prefix(200))
    }
}
