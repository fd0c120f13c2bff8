/// Where each part of the console goes on a screen of a given size: the header
/// row, functions and instances side by side, the panes below them, the status
/// row. The instance table stays visible unless a pane is zoomed.
struct ConsoleLayout: Equatable {
    var header: Rect
    var functions: Rect
    var instances: Rect
    var panes: Rect
    var status: Rect

    static func compute(cols: Int, rows: Int, hasPanes: Bool, zoomed: Bool) -> ConsoleLayout {
        let header = Rect(x: 0, y: 0, width: cols, height: min(1, rows))
        let status = Rect(x: 0, y: max(0, rows - 1), width: cols, height: rows > 1 ? 1 : 0)
        let bodyTop = header.maxY
        let bodyHeight = max(0, rows - 2)
        if zoomed && hasPanes {
            return ConsoleLayout(
                header: header, functions: .zero, instances: .zero,
                panes: Rect(x: 0, y: bodyTop, width: cols, height: bodyHeight), status: status)
        }
        // With panes open the tables keep about a third of the height (never under 6 rows).
        let tableHeight = hasPanes ? min(bodyHeight, max(6, bodyHeight * 35 / 100)) : bodyHeight
        let functionsWidth = cols >= 100 ? min(44, cols / 3) : max(0, min(30, cols * 2 / 5))
        let functions = Rect(x: 0, y: bodyTop, width: functionsWidth, height: tableHeight)
        let instances = Rect(x: functionsWidth, y: bodyTop, width: max(0, cols - functionsWidth), height: tableHeight)
        let panes = hasPanes
            ? Rect(x: 0, y: bodyTop + tableHeight, width: cols, height: max(0, bodyHeight - tableHeight))
            : .zero
        return ConsoleLayout(header: header, functions: functions, instances: instances, panes: panes, status: status)
    }
}
