/// The panes and how they stand: which are open, their layout, which part of
/// the console has focus, zoom, and synchronized input. One value that
/// `ConsoleApp`'s extensions change; the rules that need neither the screen
/// nor the network live here.
///
/// `Pane` is a class (it owns an emulator and a session), so copying a
/// workspace copies references: the panes themselves are shared.
struct Workspace {
    var panes: [PaneID: Pane] = [:]
    var layout = PaneLayout()
    var focus: Focus = .instances
    /// The pane that had focus last, for Tab and the prefix arrows from the table.
    var lastPaneFocus: PaneID?
    var zoomed = false
    /// Keys typed in a marked pane go to every marked pane.
    var synchronized = false
    /// Synchronized input marked every pane itself (nothing was marked).
    var marksAreAutomatic = false
    /// The prefix key was pressed; the next key is a pane command.
    var awaitingPrefix = false
    /// "Log into every instance" groups, by function name.
    var groups: [String: InstanceGroup] = [:]
    private var nextPaneNumber = 1

    /// The pane with focus, if a pane has it.
    var focusedPane: Pane? { focus.paneID.flatMap { panes[$0] } }

    /// A fresh id for a new pane.
    mutating func makePaneID() -> PaneID {
        defer { nextPaneNumber += 1 }
        return PaneID(value: nextPaneNumber)
    }

    /// The panes on screen, in layout order: only the zoomed one while zoomed.
    var visiblePaneIDs: [PaneID] {
        if zoomed, let id = focus.paneID ?? lastPaneFocus, panes[id] != nil { return [id] }
        return layout.paneIDs
    }

    var openSessionCount: Int {
        panes.values.filter { $0.state.isOpen }.count
    }

    /// The panes a key typed in `pane` goes to: with synchronized input on, every
    /// marked pane as well.
    func inputTargets(from pane: Pane) -> [Pane] {
        guard synchronized else { return [pane] }
        var targets = [pane]
        for id in layout.paneIDs where id != pane.id {
            if let other = panes[id], other.marked, other.state.isOpen { targets.append(other) }
        }
        return targets
    }

    /// Where Tab goes from `focus`: functions, instances, then the last pane.
    func cycledFocus(forward: Bool) -> Focus {
        var order: [Focus] = [.functions, .instances]
        if let id = lastPaneFocus ?? layout.paneIDs.first, panes[id] != nil { order.append(.pane(id)) }
        let index = order.firstIndex(of: focus) ?? 1
        return order[(index + (forward ? 1 : order.count - 1)) % order.count]
    }

    /// Turns synchronized input on or off. With nothing marked it marks every
    /// pane, as tmux does, and unmarks them again when it goes off. Returns
    /// how many panes are marked.
    mutating func toggleSynchronized() -> Int {
        synchronized.toggle()
        if synchronized, !panes.values.contains(where: \.marked) {
            // Log panes take no input: marking them would promise keys they never get.
            for pane in panes.values where !pane.purpose.isLog { pane.marked = true }
            marksAreAutomatic = true
        } else if !synchronized, marksAreAutomatic {
            for pane in panes.values { pane.marked = false }
            marksAreAutomatic = false
        }
        for pane in panes.values { pane.chromeDirty = true }
        return panes.values.filter(\.marked).count
    }

    /// Marks `ids` and turns synchronized input on, as `toggleSynchronized` does
    /// with those panes marked by hand. Returns how many panes are marked.
    @discardableResult
    mutating func synchronize(_ ids: [PaneID]) -> Int {
        for id in ids { panes[id]?.marked = true }
        synchronized = true
        marksAreAutomatic = false
        for pane in panes.values { pane.chromeDirty = true }
        return panes.values.filter(\.marked).count
    }

    /// Takes `id` out; returns the pane that should get focus next when `id`
    /// had it (its neighbour in the old order), nil when another part keeps focus.
    mutating func remove(_ id: PaneID) -> (pane: Pane?, nextFocus: PaneID?) {
        let pane = panes[id]
        let order = layout.paneIDs
        panes[id] = nil
        layout.remove(id)
        if lastPaneFocus == id { lastPaneFocus = nil }
        for (name, var group) in groups where group.paneIDs.contains(id) {
            group.paneIDs.removeAll { $0 == id }
            groups[name] = group.paneIDs.isEmpty ? nil : group
        }
        var next: PaneID?
        if focus == .pane(id) {
            let index = order.firstIndex(of: id) ?? 0
            let remaining = layout.paneIDs
            if remaining.isEmpty {
                focus = .instances
            } else {
                next = remaining[min(index, remaining.count - 1)]
            }
        }
        if panes.isEmpty {
            zoomed = false
            synchronized = false
        }
        return (pane, next)
    }
}
