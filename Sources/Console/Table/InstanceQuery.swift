/// Which rows the instance table shows and in what order: a filter typed after
/// `/` and a sort column. Pure, so it is tested without a terminal.
struct InstanceQuery: Equatable, Sendable {
    var filter: String = ""
    var sortColumn: InstanceColumn = .age
    var descending: Bool = false

    /// A row matches when every word of the filter appears in its id, status or
    /// kind (case-insensitive), so `run prov` finds running provisioned instances.
    func matches(_ record: InstanceRecord) -> Bool {
        let words = filter.lowercased().split(separator: " ")
        if words.isEmpty { return true }
        let haystack = [InstanceColumn.id, .status, .kind].map { $0.text(record).lowercased() }.joined(separator: " ")
        return words.allSatisfy { haystack.contains($0) }
    }

    func apply(_ records: [InstanceRecord]) -> [InstanceRecord] {
        // No filter: no per-row work (10,000 rows each refresh).
        let kept = filter.contains(where: { $0 != " " }) ? records.filter(matches) : records
        return kept.sorted { a, b in
            descending ? sortColumn.areInIncreasingOrder(b, a) : sortColumn.areInIncreasingOrder(a, b)
        }
    }

    /// Moves the sort to the next or previous column; choosing the same column again flips the order.
    mutating func sort(by column: InstanceColumn) {
        if column == sortColumn {
            descending.toggle()
        } else {
            sortColumn = column
            descending = column == .cpu || column == .memory || column == .requests || column == .exec
        }
    }

    mutating func shiftSort(by step: Int) {
        let all = InstanceColumn.allCases
        let index = all.firstIndex(of: sortColumn)!
        sortColumn = all[(index + step + all.count) % all.count]
    }
}
