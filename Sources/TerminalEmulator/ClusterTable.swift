/// Interned grapheme clusters (a base character plus combining marks), so a
/// cell stays 16 bytes: it holds the cluster's number instead of the scalars.
///
/// Entries are never freed while the terminal lives; the table is bounded by
/// `limit`, after which new clusters keep only their base character.
struct ClusterTable {
    static let limit = 1 << 16

    private var clusters: [[UInt32]] = []
    private var numbers: [[UInt32]: UInt32] = [:]

    /// The cell code for `scalars` (count >= 2).
    mutating func code(for scalars: UnsafeBufferPointer<UInt32>) -> UInt32 {
        let key = Array(scalars)
        if let n = numbers[key] { return StoredCell.clusterFlag | n }
        guard clusters.count < Self.limit else { return scalars[0] }
        let n = UInt32(clusters.count)
        clusters.append(key)
        numbers[key] = n
        return StoredCell.clusterFlag | n
    }

    /// The scalars of a cell code that has `StoredCell.clusterFlag` set.
    func scalars(of code: UInt32) -> [UInt32] {
        let n = Int(code & ~StoredCell.clusterFlag)
        return n < clusters.count ? clusters[n] : []
    }
}
