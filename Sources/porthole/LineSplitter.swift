/// Cuts a byte stream into whole lines: what follows the last newline waits
/// for the next chunk (or for `rest` at the stream's end). A "line" longer than
/// `maxLineBytes` without a newline is let out as it is, so a log that never
/// writes a newline cannot fill memory.
struct LineSplitter {
    static let maxLineBytes = 1 << 20

    private var partial: [UInt8] = []

    /// The whole lines (without their newlines) that `chunk` completes.
    mutating func lines(adding chunk: [UInt8]) -> [ArraySlice<UInt8>] {
        guard let lastNewline = chunk.lastIndex(of: 0x0A) else {
            partial += chunk
            if partial.count >= Self.maxLineBytes, let long = rest() { return [long] }
            return []
        }
        let text = partial.isEmpty ? chunk : partial + chunk
        let end = text.count - (chunk.count - lastNewline)
        partial = Array(chunk[(lastNewline + 1)...])
        return text[..<end].split(separator: 0x0A, omittingEmptySubsequences: false)
    }

    /// The last line when the stream ended without its newline; nil when nothing waits.
    mutating func rest() -> ArraySlice<UInt8>? {
        guard !partial.isEmpty else { return nil }
        defer { partial = [] }
        return partial[...]
    }
}
