/// Every kind of thing the console draws. A theme must give a style for each, so
/// no colour on screen comes from anywhere but the theme.
enum StyleRole: String, CaseIterable, Sendable {
    case screen
    case header
    case headerAccent = "header.accent"
    case banner
    case border
    case borderFocused = "border.focused"
    case borderSynchronized = "border.synchronized"
    case title
    case titleFocused = "title.focused"
    case tableHeader = "table.header"
    case tableSorted = "table.sorted"
    case tableRow = "table.row"
    case tableSelected = "table.selected"
    case tableSelectedInactive = "table.selectedInactive"
    case tableReleased = "table.released"
    case tableWarn = "table.warn"
    case tableCritical = "table.critical"
    case statusRunning = "status.running"
    case statusStarting = "status.starting"
    case statusStopping = "status.stopping"
    case statusFailed = "status.failed"
    case statusReleased = "status.released"
    case statusLine = "statusline"
    case statusLineKey = "statusline.key"
    case statusLineError = "statusline.error"
    case commandBar = "commandbar"
    case dialog
    case dialogTitle = "dialog.title"
    case dialogKey = "dialog.key"
    case menu
    case menuSelected = "menu.selected"
    case menuKey = "menu.key"
    case pane
    case paneEnded = "pane.ended"
    case searchMatch = "search.match"
}
