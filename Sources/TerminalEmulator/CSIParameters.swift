/// The parameters of one CSI sequence, at most `capacity` (libvterm keeps 16),
/// stored inline: the scanner reads one per colour change, so no heap array.
/// A tuple, not a SIMD vector: writing one lane of a vector held in memory
/// and reading the vector back stalled the fast path's SGR parsing.
struct CSIParameters {
    static let capacity = 16

    private var values: (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32,
                         Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32)
        = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    /// Bit i: parameter i followed a ':' (a sub-parameter).
    private var subFlags: UInt16 = 0
    private(set) var count = 0
    /// Some parameter is 2: an SGR needs a closer look for faint.
    private(set) var containsTwo = false

    @inline(__always)
    mutating func removeAll() {
        count = 0
        subFlags = 0
        containsTwo = false
    }

    /// Appends `value` (-1 for a missing parameter); extra ones are dropped.
    @inline(__always)
    mutating func append(_ value: Int32, isSub: Bool) {
        guard count < Self.capacity else { return }
        let i = count
        withUnsafeMutableBytes(of: &values) { $0.storeBytes(of: value, toByteOffset: i &* 4, as: Int32.self) }
        if isSub { subFlags |= 1 << UInt16(count) }
        if value == 2 { containsTwo = true }
        count += 1
    }

    @inline(__always)
    subscript(i: Int) -> Int32 {
        precondition(i >= 0 && i < Self.capacity)
        return withUnsafeBytes(of: values) { $0.load(fromByteOffset: i &* 4, as: Int32.self) }
    }

    @inline(__always)
    func isSub(_ i: Int) -> Bool { subFlags & (1 << UInt16(i)) != 0 }

    func contains(_ value: Int32) -> Bool {
        for i in 0..<count where self[i] == value { return true }
        return false
    }
}
