/// One line of the help screen: where a key works, the key, what it does. The
/// help screen is generated from `KeyBinding.all`, so it lists every key handled.
struct KeyBinding: Equatable {
    enum Context: String, CaseIterable {
        case table = "Functions and instances"
        case pane = "Panes (after the prefix key)"
        case scrollback = "Scrollback view"
        case anywhere = "Everywhere"
    }

    let context: Context
    let keys: String
    let action: String

    /// Every key the console handles. `{prefix}` is replaced by the prefix key's name.
    static let all: [KeyBinding] = [
        KeyBinding(context: .table, keys: "↑ ↓ j k", action: "move the selection"),
        KeyBinding(context: .table, keys: "PgUp PgDn g G", action: "page up/down, first/last row"),
        KeyBinding(context: .table, keys: "Tab / S-Tab", action: "next/previous: functions, instances, panes"),
        KeyBinding(context: .table, keys: "← →", action: "previous/next function"),
        KeyBinding(context: .table, keys: "Enter l", action: "log into the selected instance (new pane)"),
        KeyBinding(context: .table, keys: "x", action: "run one command in the selected instance"),
        KeyBinding(context: .table, keys: "d", action: "instance details"),
        KeyBinding(context: .table, keys: "m", action: "action menu (Login, Run command…, Details, Copy id)"),
        KeyBinding(context: .table, keys: "c", action: "copy the selected instance id"),
        KeyBinding(context: .table, keys: "/", action: "filter instances (Esc clears)"),
        KeyBinding(context: .table, keys: "< >", action: "sort by the previous/next column"),
        KeyBinding(context: .table, keys: "r", action: "reverse the sort order"),
        KeyBinding(context: .table, keys: "q C-c", action: "quit (asks when sessions are open)"),
        KeyBinding(context: .pane, keys: "{prefix} ← ↑ → ↓", action: "move focus to the pane in that direction"),
        KeyBinding(context: .pane, keys: "{prefix} o", action: "focus the next pane"),
        KeyBinding(context: .pane, keys: "{prefix} %", action: "split beside: another shell in the same instance"),
        KeyBinding(context: .pane, keys: "{prefix} \"", action: "split below: another shell in the same instance"),
        KeyBinding(context: .pane, keys: "{prefix} z", action: "zoom the pane (again to unzoom)"),
        KeyBinding(context: .pane, keys: "{prefix} x", action: "close the pane (ends its session)"),
        KeyBinding(context: .pane, keys: "{prefix} Space", action: "next layout: even-horizontal, even-vertical, main-vertical, tiled"),
        KeyBinding(context: .pane, keys: "{prefix} m", action: "mark/unmark the pane for synchronized input"),
        KeyBinding(context: .pane, keys: "{prefix} s", action: "synchronized input to marked panes on/off"),
        KeyBinding(context: .pane, keys: "{prefix} [", action: "scrollback view with search"),
        KeyBinding(context: .pane, keys: "{prefix} r", action: "reconnect an ended session"),
        KeyBinding(context: .pane, keys: "{prefix} Tab", action: "back to the instance table"),
        KeyBinding(context: .pane, keys: "{prefix} : ?", action: "command bar, this help"),
        KeyBinding(context: .pane, keys: "{prefix} {prefix}", action: "send the prefix key itself to the pane"),
        KeyBinding(context: .pane, keys: "Enter (ended pane)", action: "reconnect when the instance is still live"),
        KeyBinding(context: .pane, keys: "any other key", action: "goes to the pane's program"),
        KeyBinding(context: .scrollback, keys: "↑ ↓ k j PgUp PgDn", action: "scroll"),
        KeyBinding(context: .scrollback, keys: "g G", action: "oldest line, newest line"),
        KeyBinding(context: .scrollback, keys: "/ n N", action: "search older, next older, next newer"),
        KeyBinding(context: .scrollback, keys: "q Esc", action: "leave the scrollback view"),
        KeyBinding(context: .anywhere, keys: "?", action: "this help (any key closes it)"),
        KeyBinding(context: .anywhere, keys: ":", action: "command: login ID · exec ID CMD · layout NAME · theme NAME · sort COLUMN · scale FUNCTION N · quit"),
        KeyBinding(context: .anywhere, keys: "Esc", action: "close a menu, a dialog or the command bar"),
        KeyBinding(context: .anywhere, keys: "mouse", action: "click focuses or selects; wheel scrolls; a program may claim both"),
    ]
}
