import Foundation

/// The last few KiB a background command printed, for the line the status
/// line shows when it ends. Appended from network threads.
final class OutputTail: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    static let limit = 4096

    func append(_ chunk: [UInt8]) {
        lock.lock()
        defer { lock.unlock() }
        bytes.append(contentsOf: chunk)
        if bytes.count > Self.limit { bytes.removeFirst(bytes.count - Self.limit) }
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
