/// Every key binding of the console, in the order help lists them (tmux's
/// `key-bindings.c`, k9s's `KeyActions`). Built from `standard` and the user's
/// `keys:` map; read by dispatch (`action(for:in:)`), help and the footer.
struct KeyTable: Equatable {
    var bindings: [KeyBinding]

    /// The action `press` has in `context`, nil when it has none there. A binding
    /// whose Shift matches the press wins (S-Tab over Tab).
    func action(for press: KeyPress, in context: KeyBinding.Context) -> ConsoleAction? {
        // In the table, Ctrl and Alt with a character are not keys of the table.
        if context == .table, case .character = press.key, !press.modifiers.subtracting(.shift).isEmpty {
            return nil
        }
        let candidates = bindings.filter { $0.context == context && !$0.action.isFixed }
        let shifted = press.modifiers.contains(.shift)
        if let exact = candidates.first(where: { $0.keys.contains { $0.key == press.key && $0.shift == shifted } }) {
            return exact.action
        }
        return candidates.first { $0.keys.contains { $0.matches(press) } }?.action
    }

    /// The first key of `action` in `context`, as shown ("C-a x" is `prefix + key(.closePane, .prefix)`).
    func key(_ action: ConsoleAction, in context: KeyBinding.Context) -> String? {
        bindings.first { $0.context == context && $0.action == action }?.keys.first?.name
    }

    /// Footer hints for bindings of `context`: neighbours with the same label share
    /// a hint, their first keys written together (`<>`, `←↑→↓`, `n N`).
    func footer(_ context: KeyBinding.Context) -> [(key: String, label: String)] {
        var hints: [(key: String, label: String)] = []
        for binding in bindings where binding.context == context {
            guard let label = binding.footer, let key = binding.keys.first?.name else { continue }
            if let last = hints.last, last.label == label {
                let glue = key.count == 1 && !key.first!.isLetter && last.key.last.map { !$0.isLetter } == true ? "" : " "
                hints[hints.count - 1].key += glue + key
            } else {
                hints.append((key, label))
            }
        }
        return hints
    }

    /// Footer hints while a pane has focus: the prefix, then the prefix bindings marked for it.
    func paneFooter(prefix: String) -> [(key: String, label: String)] {
        var hints: [(key: String, label: String)] = [(prefix, "prefix")]
        for binding in bindings where binding.context == .prefix && binding.inPaneFooter {
            if let label = binding.footer, let key = binding.keys.first?.name { hints.append(("\(prefix) \(key)", label)) }
        }
        return hints
    }
}

extension KeyTable {
    /// The console's keys before any `keys:` rebinding.
    static let standard: KeyTable = {
        typealias B = KeyBinding
        let c = KeyChord.char
        let k = KeyChord.init(_:shift:)
        return KeyTable(bindings: [
            B(context: .table, keys: [k(.enter, false)], action: .open,
              description: "log into the selected instance (on the function list: go to its instances)", footer: "login"),
            B(context: .table, keys: [c("l")], action: .login, description: "log into the selected instance (new pane)"),
            B(context: .table, keys: [c("L")], action: .loginEveryInstance,
              description: "log into every live instance of the function: tiled panes, synchronized input on (asks past 16)"),
            B(context: .table, keys: [c("o")], action: .logs,
              description: "the selected instance's log in a read-only pane, following (its last \(PanePurpose.logTailLines) lines first)", footer: "logs"),
            B(context: .table, keys: [c("p")], action: .previousLogs,
              description: "the log of the instance's previous run (a restarted Kubernetes container: why did it crash?)"),
            B(context: .table, keys: [c("m")], action: .menu,
              description: "action menu (Login, Run command…, Details, Copy id, Login to all, Download/Upload file…, Logs, quick actions)", footer: "menu"),
            B(context: .table, keys: [c("x")], action: .run, description: "run one command in the selected instance", footer: "run"),
            B(context: .table, keys: [c("d")], action: .details, description: "instance details", footer: "detail"),
            B(context: .table, keys: [c("c")], action: .copyID, description: "copy the selected instance id"),
            B(context: .table, keys: [c("/")], action: .filter, description: "filter instances", footer: "filter"),
            B(context: .table, keys: [k(.escape, false)], action: .clearFilter, description: "clear the filter"),
            B(context: .table, keys: [c("<"), c(",")], action: .sortPrevious, description: "sort by the previous column", footer: "sort"),
            B(context: .table, keys: [c(">"), c(".")], action: .sortNext, description: "sort by the next column", footer: "sort"),
            B(context: .table, keys: [c("r")], action: .reverseSort, description: "reverse the sort order"),
            B(context: .table, keys: [k(.up, false), c("k")], action: .up, description: "move the selection up"),
            B(context: .table, keys: [k(.down, false), c("j")], action: .down, description: "move the selection down"),
            B(context: .table, keys: [k(.pageUp, false)], action: .pageUp, description: "a page up"),
            B(context: .table, keys: [k(.pageDown, false)], action: .pageDown, description: "a page down"),
            B(context: .table, keys: [k(.home, false), c("g")], action: .first, description: "first row"),
            B(context: .table, keys: [k(.end, false), c("G")], action: .last, description: "last row"),
            B(context: .table, keys: [k(.left, false)], action: .previousFunction, description: "previous function"),
            B(context: .table, keys: [k(.right, false)], action: .nextFunction, description: "next function"),
            B(context: .table, keys: [k(.tab, false)], action: .focusNext,
              description: "next: functions, instances, panes", footer: "focus"),
            B(context: .table, keys: [k(.tab, true)], action: .focusPrevious, description: "previous: panes, instances, functions"),
            B(context: .table, keys: [c("D")], action: .download, description: "download a file from the selected instance"),
            B(context: .table, keys: [c("U")], action: .upload, description: "upload a file to the selected instance"),
            B(context: .table, keys: [c("T")], action: .transfers, description: "transfers: progress, results, x cancels"),
            B(context: .table, keys: [c(":")], action: .command,
              description: "command: login ID · exec ID CMD · logs [-p] ID · layout NAME · theme NAME · sort COLUMN · scale FUNCTION N · quit"),
            B(context: .table, keys: [c("?")], action: .help, description: "this help (any key closes it)", footer: "help"),
            B(context: .table, keys: [c("q"), c("\u{3}")], action: .quit, description: "quit (asks when sessions are open)", footer: "quit"),

            B(context: .prefix, keys: [k(.left, false)], action: .focusLeft, description: "focus the pane to the left", footer: "focus"),
            B(context: .prefix, keys: [k(.up, false)], action: .focusUp,
              description: "focus the pane above (from the top pane: the table)", footer: "focus"),
            B(context: .prefix, keys: [k(.right, false)], action: .focusRight, description: "focus the pane to the right", footer: "focus"),
            B(context: .prefix, keys: [k(.down, false)], action: .focusDown, description: "focus the pane below", footer: "focus"),
            B(context: .prefix, keys: [c("o")], action: .nextPane, description: "focus the next pane"),
            B(context: .prefix, keys: [c("%"), c("|")], action: .splitBeside, description: "split beside: another shell in the same instance"),
            B(context: .prefix, keys: [c("\""), c("-")], action: .splitBelow, description: "split below: another shell in the same instance"),
            B(context: .prefix, keys: [c("z")], action: .zoom, description: "zoom the pane (again to unzoom)", footer: "zoom", inPaneFooter: true),
            B(context: .prefix, keys: [c("x")], action: .closePane, description: "close the pane (ends its session)", footer: "close", inPaneFooter: true),
            B(context: .prefix, keys: [c(" ")], action: .nextLayout,
              description: "next layout: even-horizontal, even-vertical, main-vertical, tiled", footer: "layout"),
            B(context: .prefix, keys: [c("m")], action: .mark, description: "mark/unmark the pane for synchronized input", footer: "mark"),
            B(context: .prefix, keys: [c("s")], action: .synchronize, description: "synchronized input to marked panes on/off", footer: "sync"),
            B(context: .prefix, keys: [c("R")], action: .record,
              description: "record the pane to an asciicast v2 file on/off (in porthole/recordings under the XDG state dir; the status line says where)"),
            B(context: .prefix, keys: [c("[")], action: .scrollback, description: "scrollback view with search", footer: "scrollback"),
            B(context: .prefix, keys: [c("r")], action: .reconnect, description: "reconnect an ended session (reopen an ended log)"),
            B(context: .prefix, keys: [c("k")], action: .keepalive,
              description: "keepalive: restart the session's idle clock (title: time left; where the platform counts only data, says so)"),
            B(context: .prefix, keys: [k(.tab, false)], action: .table, description: "back to the instance table", footer: "table", inPaneFooter: true),
            B(context: .prefix, keys: [c("l")], action: .paneLogs,
              description: "the log of the pane's instance (and container) in a new read-only pane beside it"),
            B(context: .prefix, keys: [c(":")], action: .command, description: "command bar"),
            B(context: .prefix, keys: [c("D")], action: .download, description: "download a file from the pane's instance"),
            B(context: .prefix, keys: [c("U")], action: .upload, description: "upload a file to the pane's instance"),
            B(context: .prefix, keys: [c("T")], action: .transfers, description: "transfers: progress, results, x cancels"),
            B(context: .prefix, keys: [c("?")], action: .help, description: "this help", footer: "help", inPaneFooter: true),
            B(context: .prefix, keys: [], action: .sendPrefix, description: "send the prefix key itself to the pane",
              shownKeys: "{prefix} {prefix}"),

            B(context: .pane, keys: [k(.enter, false)], action: .reconnectEnded,
              description: "on an ended pane: reconnect when the instance is still live (a log pane: read the log again)"),
            B(context: .pane, keys: [], action: .readLog,
              description: "a log pane is read-only: the scrollback keys (↑↓ PgUp PgDn g / v) open its scrollback view, q Esc return to the table, other keys go nowhere",
              shownKeys: "in a log pane"),
            B(context: .pane, keys: [], action: .typeInPane, description: "goes to the pane's program", shownKeys: "any other key"),

            B(context: .scrollback, keys: [k(.up, false), c("k")], action: .up, description: "scroll up a line", footer: "scroll"),
            B(context: .scrollback, keys: [k(.down, false), c("j")], action: .down, description: "scroll down a line", footer: "scroll"),
            B(context: .scrollback, keys: [k(.pageUp, false)], action: .pageUp, description: "scroll up a page", footer: "scroll"),
            B(context: .scrollback, keys: [k(.pageDown, false)], action: .pageDown, description: "scroll down a page", footer: "scroll"),
            B(context: .scrollback, keys: [k(.home, false), c("g")], action: .first, description: "oldest line"),
            B(context: .scrollback, keys: [k(.end, false), c("G")], action: .last, description: "newest line"),
            B(context: .scrollback, keys: [c("/"), c("?")], action: .search, description: "search older lines", footer: "search"),
            B(context: .scrollback, keys: [c("n")], action: .searchOlder, description: "next older match", footer: "next/prev"),
            B(context: .scrollback, keys: [c("N")], action: .searchNewer, description: "next newer match", footer: "next/prev"),
            B(context: .scrollback, keys: [c("v"), c("V")], action: .selectLines,
              description: "select lines from the cursor line (↑↓ j k extend; again to drop)", footer: "select"),
            B(context: .scrollback, keys: [c("y"), k(.enter, false)], action: .copySelection,
              description: "copy the selected lines to your clipboard (OSC 52, up to 100 KiB) and leave", footer: "copy"),
            B(context: .scrollback, keys: [c("q"), k(.escape, false)], action: .leave, description: "drop the selection, else leave the scrollback view", footer: "leave"),

            B(context: .anywhere, keys: [], action: .closeOverlay, description: "close a menu, a dialog or the command bar", shownKeys: "Esc"),
            B(context: .anywhere, keys: [], action: .mouse,
              description: "click focuses or selects; wheel scrolls; a program may claim both; in scrollback, drag copies lines", shownKeys: "mouse"),
        ])
    }()
}
