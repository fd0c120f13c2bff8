import Foundation
import Platform

/// The instances of the selected function: sortable, filterable, coloured by
/// thresholds, with released rows dimmed until their fade is over. The selection
/// follows the instance id, so rows coming and going do not move it.
final class InstanceTable {
    var query = InstanceQuery()
    private(set) var rows: [InstanceRecord] = []
    private(set) var selectedId: String?
    private var scrollTop = 0
    private var lastRect = Rect.zero

    var selected: InstanceRecord? { rows.first { $0.id == selectedId } }

    /// Recomputes the rows from the store; keeps the selection where it was.
    func reload(from store: Store, function: String?) {
        let previousIndex = rows.firstIndex { $0.id == selectedId }
        rows = query.apply(store.instances(of: function))
        if let id = selectedId, rows.contains(where: { $0.id == id }) { return }
        if rows.isEmpty {
            selectedId = nil
        } else {
            selectedId = rows[min(previousIndex ?? 0, rows.count - 1)].id
        }
    }

    func select(id: String) {
        if rows.contains(where: { $0.id == id }) { selectedId = id }
    }

    func move(by step: Int) {
        guard !rows.isEmpty else { return }
        let index = rows.firstIndex { $0.id == selectedId } ?? 0
        selectedId = rows[max(0, min(rows.count - 1, index + step))].id
    }

    func moveToEnd(_ last: Bool) {
        selectedId = last ? rows.last?.id : rows.first?.id
    }

    var pageSize: Int { max(1, lastRect.height - 3) }

    /// Scrolls the view (mouse wheel) and drags the selection along.
    func scroll(by step: Int) { move(by: step) }

    /// The row under a screen position (mouse), if any.
    func record(atRow row: Int) -> InstanceRecord? {
        let index = row - (lastRect.y + 2) + scrollTop
        guard lastRect.contains(column: lastRect.x + 1, row: row) else { return nil }
        return rows.indices.contains(index) ? rows[index] : nil
    }

    func draw(on screen: Screen, in rect: Rect, functionName: String?, focused: Bool,
              thresholds: Thresholds, store: Store, now: Date) {
        lastRect = rect
        guard rect.width >= 10, rect.height >= 3 else { return }
        screen.fill(rect.inset(by: 1), pen: screen.pen(.tableRow))
        var title = "Instances · \(functionName ?? "all")"
        title += " (\(rows.filter { !$0.isGone }.count))"
        if !query.filter.isEmpty { title += " /\(query.filter)" }
        // While refreshes fail the rows are what the server last said, not what is
        // true now (a killed server's instances are not running): say so.
        let stale = store.refreshError != nil
        if stale {
            title += store.lastSnapshot.map { " · STALE: no update since \(Self.clock($0))" } ?? " · STALE"
        }
        screen.frame(rect, border: screen.pen(focused ? .borderFocused : .border), title: title,
                     titlePen: screen.pen(focused ? .titleFocused : .title))
        let inner = rect.inset(by: 1)

        // Header: the sort column is marked with its direction.
        var col = inner.x + 1
        for column in InstanceColumn.allCases {
            guard col < inner.maxX else { break }
            let sorted = column == query.sortColumn
            let label = column.rawValue + (sorted ? (query.descending ? "↓" : "↑") : "")
            let width = min(column.width, inner.maxX - col)
            screen.put(Format.fit(label, width, alignRight: column.alignRight), row: inner.y, col: col, width: width,
                       pen: screen.pen(sorted ? .tableSorted : .tableHeader))
            col += column.width + 1
        }

        let visible = max(0, inner.height - 1)
        let selectedIndex = rows.firstIndex { $0.id == selectedId } ?? 0
        if selectedIndex < scrollTop { scrollTop = selectedIndex }
        if selectedIndex >= scrollTop + visible { scrollTop = selectedIndex - visible + 1 }
        scrollTop = max(0, min(scrollTop, max(0, rows.count - visible)))
        if rows.isEmpty, visible > 0 {
            let message = query.filter.isEmpty ? "no instances yet: they start on the first invocation" : "no instance matches /\(query.filter)"
            screen.put(message, row: inner.y + 1, col: inner.x + 1, width: inner.width - 1, pen: screen.pen(.tableReleased))
        }
        for line in 0..<visible {
            let index = scrollTop + line
            guard rows.indices.contains(index) else { break }
            drawRow(rows[index], on: screen, row: inner.y + 1 + line, inner: inner, focused: focused, thresholds: thresholds,
                    stale: stale)
        }
    }

    private func drawRow(_ record: InstanceRecord, on screen: Screen, row: Int, inner: Rect, focused: Bool, thresholds: Thresholds,
                         stale: Bool = false) {
        let selected = record.id == selectedId
        let base: StyleRole
        if selected {
            base = focused ? .tableSelected : .tableSelectedInactive
        } else {
            base = record.isGone || stale ? .tableReleased : .tableRow
        }
        screen.fill(row: row, col: inner.x, width: inner.width, pen: screen.pen(base))
        screen.put(selected ? "▶" : " ", row: row, col: inner.x, width: 1, pen: screen.pen(base))
        var col = inner.x + 1
        let metrics = record.instance.metrics
        for column in InstanceColumn.allCases {
            guard col < inner.maxX else { break }
            // Selected and fading rows keep one style; others colour status and alarms.
            var role = base
            if !selected && !record.isGone && !stale {
                switch column {
                case .status: role = Self.statusRole(record.instance.status)
                case .cpu: role = Self.levelRole(thresholds.level(cpu: metrics?.cpuPercent)) ?? base
                case .memory:
                    role = Self.levelRole(thresholds.level(memoryBytes: metrics?.memoryBytes, limitBytes: metrics?.memoryLimitBytes)) ?? base
                default: break
                }
            }
            let width = min(column.width, inner.maxX - col)
            // A stale status is a guess: show that it is unknown rather than "Running".
            let text = stale && column == .status && !record.isGone ? "unknown" : column.text(record)
            screen.put(Format.fit(text, width, alignRight: column.alignRight), row: row, col: col,
                       width: width, pen: screen.pen(role))
            col += column.width + 1
        }
    }

    static func clock(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: date)
    }

    static func statusRole(_ status: InstanceStatus) -> StyleRole {
        switch status {
        case .running: return .statusRunning
        case .starting: return .statusStarting
        case .stopping: return .statusStopping
        case .failed, .crashLoop: return .statusFailed
        case .released: return .statusReleased
        }
    }

    static func levelRole(_ level: Thresholds.Level) -> StyleRole? {
        switch level {
        case .normal: return nil
        case .warn: return .tableWarn
        case .critical: return .tableCritical
        }
    }
}
