import Platform

/// "Log into every instance" of a function (`L`, or the action menu): a pane per
/// live instance, tiled, synchronized input on; then, while those panes are open,
/// instances that appear get a pane marked `new` (kept out of synchronized input
/// until marked, so they never receive half a command line) and panes whose
/// instance went are titled `gone`.
extension ConsoleApp {
    /// The function `L` acts on: the selected instance's, else the selected function.
    var everyInstanceFunction: String? {
        if workspace.focus == .instances, let record = instanceTable.selected { return record.instance.functionName }
        return functionList.selectedName
    }

    /// The live instances of `function`, oldest first (the order the panes open in).
    func liveInstanceIDs(of function: String, runningOnly: Bool = false) -> [String] {
        store.instances(of: function)
            .filter { !$0.isGone && (runningOnly ? $0.instance.status == .running : $0.instance.status.isLive) }
            .sorted { ($0.instance.createdTimeMs, $0.id) < ($1.instance.createdTimeMs, $1.id) }
            .map(\.id)
    }

    /// `L`: asks first past the threshold, else opens the panes.
    func requestEveryInstance(_ function: String?) {
        guard let function else {
            statusLine.show("no function selected", error: true)
            return
        }
        let missing = instancesWithoutPane(of: function)
        if missing.isEmpty {
            let live = liveInstanceIDs(of: function).count
            statusLine.show(live == 0 ? "\(function) has no live instance to log into"
                                      : "every live instance of \(function) already has a pane", error: live == 0)
            return
        }
        if InstanceGroup.needsConfirmation(count: missing.count) {
            overlay = .confirmEveryInstance(function: function, count: missing.count)
        } else {
            openEveryInstance(function)
        }
    }

    /// Live instances of `function` with no pane in its group yet.
    func instancesWithoutPane(of function: String) -> [String] {
        let shown = Set((workspace.groups[function]?.paneIDs ?? []).compactMap { workspace.panes[$0]?.instanceId })
        return liveInstanceIDs(of: function).filter { !shown.contains($0) }
    }

    /// Opens a pane in every live instance of `function` that has none in its
    /// group, tiles every pane and sends keys to all of the group's panes.
    func openEveryInstance(_ function: String) {
        let missing = instancesWithoutPane(of: function)
        guard !missing.isEmpty else { return }
        var group = workspace.groups[function] ?? InstanceGroup(functionName: function)
        for instanceId in missing {
            group.paneIDs.append(addPane(functionName: function, instanceId: instanceId).id)
        }
        group.known.formUnion(missing)
        workspace.groups[function] = group
        for id in group.paneIDs { workspace.panes[id]?.joinedLate = false }
        workspace.synchronize(group.paneIDs)
        workspace.layout.apply(.tiled)
        workspace.zoomed = false
        if let first = group.paneIDs.first { focusPane(first) }
        relayout()
        let count = group.paneIDs.count
        statusLine.show("logged into \(count) instance\(count == 1 ? "" : "s") of \(function) · synchronized input on: "
                        + "keys go to every marked pane · \(keyName(.synchronize, .prefix)) turns it off", seconds: 8)
        refresher.refreshSoon()
    }

    /// A new pane in the layout, connecting, without taking focus.
    func addPane(functionName: String, instanceId: String) -> Pane {
        let id = workspace.makePaneID()
        let pane = Pane(id: id, functionName: functionName, instanceId: instanceId, purpose: .login)
        workspace.panes[id] = pane
        workspace.layout.insert(id, nextTo: workspace.layout.paneIDs.last, axis: .beside)
        pane.connect(backend: backend, inbox: inbox, idleTimeout: options.sessionIdleTimeout)
        return pane
    }

    /// After each listing: panes whose instance went are marked gone; instances
    /// new to an open group get a pane (up to the threshold) or are offered.
    func trackInstances() {
        for pane in workspace.panes.values where !pane.instanceGone {
            if store.record(id: pane.instanceId)?.isGone == true {
                pane.instanceGone = true
                pane.chromeDirty = true
                panesDirty = true
            }
        }
        var opened = 0
        for (function, var group) in workspace.groups {
            let (open, offer) = group.arrivals(live: liveInstanceIDs(of: function, runningOnly: true))
            for instanceId in open {
                let pane = addPane(functionName: function, instanceId: instanceId)
                pane.joinedLate = true
                group.paneIDs.append(pane.id)
            }
            group.known.formUnion(open + offer)
            workspace.groups[function] = group
            opened += open.count
            if !open.isEmpty {
                statusLine.show("\(function): \(open.count) new instance\(open.count == 1 ? "" : "s") opened, marked new, "
                                + "not in synchronized input until marked (\(keyName(.mark, .prefix)))", seconds: 8)
            }
            if !offer.isEmpty {
                statusLine.show("\(function): \(offer.count) more new instance\(offer.count == 1 ? "" : "s") past \(InstanceGroup.confirmationThreshold) panes: "
                                + "\(keyName(.loginEveryInstance, .table)) in the table opens them", seconds: 10)
            }
        }
        if opened > 0 {
            workspace.layout.apply(.tiled)
            relayout()
        }
    }
}
