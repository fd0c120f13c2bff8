/// One row of the key table: where it works, its keys, what it does, and
/// whether the footer hints show it. Dispatch, the help screen and the footer
/// all read `KeyTable`, so a key that works is a key that help lists.
struct KeyBinding: Equatable {
    enum Context: String, CaseIterable {
        case table = "Functions and instances"
        case prefix = "Panes (after the prefix key)"
        case pane = "A focused pane"
        case scrollback = "Scrollback view"
        case anywhere = "Everywhere"
    }

    let context: Context
    var keys: [KeyChord]
    let action: ConsoleAction
    let description: String
    /// The footer's label for this binding, nil when the footer leaves it out.
    /// Neighbouring bindings with the same label share one hint ("<> sort").
    var footer: String? = nil
    /// A prefix binding the footer also shows while a pane has focus ("C-a z zoom").
    var inPaneFooter = false
    /// For fixed actions: the keys as help shows them (`{prefix}` is the prefix key's name).
    var shownKeys: String? = nil

    /// Keys as help shows them, `{prefix}` not yet replaced.
    var keysText: String {
        if let shownKeys { return shownKeys }
        let names = keys.map(\.name).joined(separator: " ")
        return context == .prefix ? "{prefix} " + names : names
    }

    /// The standard table, before the user's `keys:`.
    static var all: [KeyBinding] { KeyTable.standard.bindings }
}
