/// Makes the byte stream valid UTF-8 before libvterm decodes it: each
/// ill-formed sequence becomes one U+FFFD (the "maximal subpart" rule), and so
/// does every C1 control encoded as UTF-8 (U+0080–U+009F).
///
/// Why: libvterm 0.1's decoder turns some invalid input (a broken sequence
/// followed by a stray continuation byte) into C1 code points, gives those
/// width -1 and moves the cursor to column -1, after which it writes outside
/// its own arrays. `cat` of a binary file is enough to get there. ASCII, which
/// is most of any stream, passes through eight bytes at a time.
///
/// A sequence cut by the end of a feed is held back (at most three bytes) and
/// completed by the next one.
struct UTF8Sanitizer {
    static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// Bytes of a sequence begun in an earlier call.
    private var pending: [UInt8] = []
    /// Continuation bytes still needed by the current sequence.
    private var need = 0
    /// Range the next continuation byte must fall in.
    private var low: UInt8 = 0x80
    private var high: UInt8 = 0xBF
    /// The sequence began with C2, so it may turn out to be a C1 control.
    private var leadIsC2 = false

    /// No sequence is open: the next byte starts afresh.
    var isIdle: Bool { need == 0 }

    /// Passes `input` on to `emit` in valid pieces (in order; no copy of valid runs).
    mutating func sanitize(_ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) -> Void) {
        guard let raw = input.baseAddress, !input.isEmpty else { return }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        let count = input.count
        var runStart = 0          // first byte not yet emitted
        var seqStart = 0          // where the open sequence began (0 if in `pending`)
        var i = 0

        func flush(upTo end: Int) {
            if end > runStart { emit(UnsafeRawBufferPointer(start: base + runStart, count: end - runStart)) }
        }
        func emitReplacement() {
            Self.replacement.withUnsafeBytes { emit($0) }
        }

        while i < count {
            if need == 0 {
                // ASCII fast path, a word at a time.
                while i + 8 <= count,
                      raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                }
                guard i < count else { break }
                let b = base[i]
                if b < 0x80 { i += 1; continue }
                if startSequence(b) {
                    seqStart = i
                } else {
                    flush(upTo: i)
                    emitReplacement()
                    runStart = i + 1
                }
                i += 1
                continue
            }
            let b = base[i]
            guard b >= low && b <= high else {
                // Ill-formed: replace what we have, then read `b` afresh.
                flush(upTo: seqStart)
                pending.removeAll(keepingCapacity: true)
                emitReplacement()
                need = 0
                runStart = i
                continue
            }
            need -= 1
            low = 0x80
            high = 0xBF
            if need == 0 {
                if leadIsC2 && b <= 0x9F {
                    flush(upTo: seqStart)
                    pending.removeAll(keepingCapacity: true)
                    emitReplacement()
                    runStart = i + 1
                } else if !pending.isEmpty {
                    // Completed a sequence begun in an earlier call: its first
                    // bytes go out now, the rest with this call's run.
                    pending.withUnsafeBytes { emit($0) }
                    pending.removeAll(keepingCapacity: true)
                }
            }
            i += 1
        }

        if need > 0 {
            // Keep the unfinished sequence for the next call.
            if pending.isEmpty {
                flush(upTo: seqStart)
                pending.append(contentsOf: UnsafeBufferPointer(start: base + seqStart, count: count - seqStart))
            } else {
                pending.append(contentsOf: UnsafeBufferPointer(start: base, count: count))
            }
        } else {
            flush(upTo: count)
        }
    }

    /// Sets up for a sequence led by `b`; false if `b` cannot lead one.
    private mutating func startSequence(_ b: UInt8) -> Bool {
        leadIsC2 = b == 0xC2
        switch b {
        case 0xC2...0xDF: need = 1; low = 0x80; high = 0xBF
        case 0xE0: need = 2; low = 0xA0; high = 0xBF
        case 0xE1...0xEC, 0xEE...0xEF: need = 2; low = 0x80; high = 0xBF
        case 0xED: need = 2; low = 0x80; high = 0x9F          // no surrogates
        case 0xF0: need = 3; low = 0x90; high = 0xBF
        case 0xF1...0xF3: need = 3; low = 0x80; high = 0xBF
        case 0xF4: need = 3; low = 0x80; high = 0x8F          // up to U+10FFFF
        default: return false
        }
        return true
    }
}
