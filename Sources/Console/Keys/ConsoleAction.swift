/// Something a key does in the console. The raw value is the name a user
/// writes in `config.yaml`'s `keys:` map to rebind it.
///
/// One action may be bound in several contexts (`help` works in the table and
/// after the prefix key); rebinding it moves it in every context.
enum ConsoleAction: String, CaseIterable {
    // Moving in a list: the function list, the instance table, the scrollback.
    case up, down
    case pageUp = "page-up"
    case pageDown = "page-down"
    case first, last
    case previousFunction = "previous-function"
    case nextFunction = "next-function"
    case focusNext = "focus-next"
    case focusPrevious = "focus-previous"

    // The selected instance.
    case open
    case login
    /// A pane per live instance of the function, tiled, with synchronized input.
    case loginEveryInstance = "login-every-instance"
    case run
    case details
    case menu
    case copyID = "copy-id"
    case filter
    case clearFilter = "clear-filter"
    case sortPrevious = "sort-previous"
    case sortNext = "sort-next"
    case reverseSort = "reverse-sort"
    /// Files in and out of an instance (the table, and a pane after the prefix key).
    case download
    case upload
    case transfers
    /// The instance's log in a read-only pane, following.
    case logs
    /// The previous run's log (a restarted Kubernetes container).
    case previousLogs = "previous-logs"

    // Anywhere the console has the keys.
    case command
    case help
    case quit

    // Panes, after the prefix key.
    case focusLeft = "focus-left"
    case focusUp = "focus-up"
    case focusRight = "focus-right"
    case focusDown = "focus-down"
    case nextPane = "next-pane"
    case splitBeside = "split-beside"
    case splitBelow = "split-below"
    case zoom
    case closePane = "close-pane"
    case nextLayout = "next-layout"
    case mark
    case synchronize
    case record
    case scrollback
    case reconnect
    case table
    /// Tells the platform the session is in use (its idle clock restarts).
    case keepalive
    /// The log of the focused pane's instance (and container), in a new pane.
    case paneLogs = "pane-logs"
    /// The prefix key twice sends it to the pane (the key is the prefix key, set by `--prefix`).
    case sendPrefix = "send-prefix"

    // A focused pane.
    case reconnectEnded = "reconnect-ended"
    /// Every key not bound goes to the pane's program.
    case typeInPane = "type-in-pane"
    /// Keys in a log pane: scrolling opens the scrollback view, the rest go nowhere.
    case readLog = "read-log"

    // The scrollback view.
    case search
    case searchOlder = "search-older"
    case searchNewer = "search-newer"
    case leave
    /// Starts (or drops) a selection of lines at the cursor line.
    case selectLines = "select-lines"
    /// Copies the selected lines to the clipboard (OSC 52) and leaves the view.
    case copySelection = "copy-selection"

    // Overlays and the mouse, handled by the overlay or the mouse code.
    case closeOverlay = "close-overlay"
    case mouse

    /// Actions whose keys are not looked up in the table (the prefix key, "any
    /// other key", the mouse, overlays' own keys): help lists them, `keys:`
    /// cannot rebind them.
    var isFixed: Bool {
        switch self {
        case .sendPrefix, .typeInPane, .readLog, .closeOverlay, .mouse: true
        default: false
        }
    }
}
