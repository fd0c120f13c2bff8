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
    /// What each visible line showed when last drawn (nil: blank), so a frame
    /// draws only the lines that changed; empty after `invalidate`.
    private var drawnLines: [RowImage?] = []
    /// How many lines the last `draw` drew (for tests and the benchmark).
    private(set) var linesDrawnLastFrame = 0
    /// Instances this console has an open session in (their EXEC is marked).
    var heldHere: Set<String> = []

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

    /// Forgets what was drawn: the next `draw` draws every line (the screen was
    /// cleared, or something was drawn over the table).
    func invalidate() {
        drawnLines = []
    }

    func draw(on screen: Screen, in rect: Rect, functionName: String?, focused: Bool,
              thresholds: Thresholds, store: Store, now: Date) {
        if rect != lastRect { invalidate() }
        lastRect = rect
        linesDrawnLastFrame = 0
        guard rect.width >= 10, rect.height >= 3 else { return }
        if drawnLines.isEmpty || rows.isEmpty {
            screen.fill(rect.inset(by: 1), pen: screen.pen(.tableRow))
            drawnLines = []
        }
        var title = "Instances · \(functionName ?? "all")"
        title += " (\(rows.filter { !$0.isGone }.count))"
        if !query.filter.isEmpty { title += " /\(query.filter)" }
        // While refreshes fail the rows are what the server last said, not what is
        // true now (a killed server's instances are not running): say so.
        let stale = store.refreshError != nil
        if stale {
            title += store.lastSnapshot.map { " · STALE: no update since \(Format.time(milliseconds: Int64($0.timeIntervalSince1970 * 1000)))" } ?? " · STALE"
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
        if rows.isEmpty, visible > 0 {
            let message = query.filter.isEmpty ? "no instances yet: they start on the first invocation" : "no instance matches /\(query.filter)"
            screen.put(message, row: inner.y + 1, col: inner.x + 1, width: inner.width - 1, pen: screen.pen(.tableReleased))
            return
        }
        for (line, image) in changedLines(visible: visible, inner: inner, focused: focused, thresholds: thresholds, stale: stale) {
            let row = inner.y + 1 + line
            if let image {
                drawRow(image, on: screen, row: row, inner: inner)
            } else {
                screen.fill(row: row, col: inner.x, width: inner.width, pen: screen.pen(.tableRow))
            }
        }
    }

    /// Scrolls so the selection shows, and returns the lines whose content
    /// differs from what they showed when last drawn (nil: now blank); from then
    /// on they count as drawn.
    func changedLines(visible: Int, inner: Rect, focused: Bool, thresholds: Thresholds,
                      stale: Bool = false) -> [(line: Int, image: RowImage?)] {
        let selectedIndex = rows.firstIndex { $0.id == selectedId } ?? 0
        if selectedIndex < scrollTop { scrollTop = selectedIndex }
        if selectedIndex >= scrollTop + visible { scrollTop = selectedIndex - visible + 1 }
        scrollTop = max(0, min(scrollTop, max(0, rows.count - visible)))
        if drawnLines.count != visible { drawnLines = Array(repeating: nil, count: visible) }
        var changed: [(line: Int, image: RowImage?)] = []
        for line in 0..<visible {
            let index = scrollTop + line
            let image = rows.indices.contains(index) ? rowImage(rows[index], inner: inner, focused: focused, thresholds: thresholds, stale: stale) : nil
            // A line that shows what it showed last frame is left alone.
            if image == drawnLines[line] { continue }
            drawnLines[line] = image
            changed.append((line, image))
        }
        linesDrawnLastFrame = changed.count
        return changed
    }

    /// One line of the table as drawn: its cells' text and styles.
    struct RowImage: Equatable {
        var base: StyleRole
        var selected: Bool
        var cells: [(text: String, role: StyleRole, col: Int, width: Int)]

        static func == (a: RowImage, b: RowImage) -> Bool {
            a.base == b.base && a.selected == b.selected && a.cells.count == b.cells.count
                && zip(a.cells, b.cells).allSatisfy { $0.text == $1.text && $0.role == $1.role && $0.col == $1.col && $0.width == $1.width }
        }
    }

    private func rowImage(_ record: InstanceRecord, inner: Rect, focused: Bool, thresholds: Thresholds, stale: Bool) -> RowImage {
        let selected = record.id == selectedId
        let base: StyleRole
        if selected {
            base = focused ? .tableSelected : .tableSelectedInactive
        } else {
            base = record.isGone || stale ? .tableReleased : .tableRow
        }
        var cells: [(text: String, role: StyleRole, col: Int, width: Int)] = []
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
            var text = stale && column == .status && !record.isGone ? "unknown" : column.text(record)
            if column == .exec, Self.keptAlive(record, here: heldHere.contains(record.id)) { text += "*" }
            cells.append((Format.fit(text, width, alignRight: column.alignRight), role, col, width))
            col += column.width + 1
        }
        return RowImage(base: base, selected: selected, cells: cells)
    }

    private func drawRow(_ image: RowImage, on screen: Screen, row: Int, inner: Rect) {
        screen.fill(row: row, col: inner.x, width: inner.width, pen: screen.pen(image.base))
        screen.put(image.selected ? "▶" : " ", row: row, col: inner.x, width: 1, pen: screen.pen(image.base))
        for cell in image.cells {
            screen.put(cell.text, row: row, col: cell.col, width: cell.width, pen: screen.pen(cell.role))
        }
    }

    /// An on-demand live instance on a platform with an idle rule (it reports
    /// idle time) that an open exec session keeps from being released as idle.
    static func keptAlive(_ record: InstanceRecord, here: Bool) -> Bool {
        guard let metrics = record.instance.metrics, !record.isGone, record.instance.status.isLive,
              !metrics.provisioned, metrics.idleSeconds != nil else { return false }
        return metrics.execSessions > 0 || here
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
