import Platform

/// The functions panel: one row per function with its runtime, live instances,
/// requests in flight against capacity, and invocations. Selecting a function
/// chooses which instances the table shows.
final class FunctionList {
    private(set) var selectedName: String?
    private var scrollTop = 0
    private var lastRect = Rect.zero

    func select(_ name: String?) { selectedName = name }

    /// Keeps the selection on an existing function (the first one by default).
    func reconcile(with functions: [Function]) {
        if let name = selectedName, functions.contains(where: { $0.functionName == name }) { return }
        selectedName = functions.first?.functionName
    }

    func move(by step: Int, in functions: [Function]) {
        guard !functions.isEmpty else { return }
        let index = functions.firstIndex { $0.functionName == selectedName } ?? 0
        selectedName = functions[max(0, min(functions.count - 1, index + step))].functionName
    }

    /// The function under a screen row (mouse), if any.
    func function(atRow row: Int, in functions: [Function]) -> Function? {
        let index = row - (lastRect.y + 2) + scrollTop
        return functions.indices.contains(index) ? functions[index] : nil
    }

    func draw(on screen: Screen, in rect: Rect, store: Store, focused: Bool) {
        lastRect = rect
        guard rect.width >= 10, rect.height >= 3 else { return }
        let functions = store.functions
        screen.fill(rect.inset(by: 1), pen: screen.pen(.tableRow))
        screen.frame(
            rect, border: screen.pen(focused ? .borderFocused : .border),
            title: "Functions (\(functions.count))", titlePen: screen.pen(focused ? .titleFocused : .title))
        let inner = rect.inset(by: 1)
        let nameWidth = max(6, inner.width - 27)
        let header = " " + Format.fit("NAME", nameWidth) + " " + Format.fit("RUNTIME", 7) + " "
            + Format.fit("INST", 4, alignRight: true) + " " + Format.fit("REQ", 6, alignRight: true) + " "
            + Format.fit("INV", 5, alignRight: true)
        screen.put(header, row: inner.y, col: inner.x, width: inner.width, pen: screen.pen(.tableHeader))
        let visible = max(0, inner.height - 1)
        let selectedIndex = functions.firstIndex { $0.functionName == selectedName } ?? 0
        if selectedIndex < scrollTop { scrollTop = selectedIndex }
        if selectedIndex >= scrollTop + visible { scrollTop = selectedIndex - visible + 1 }
        scrollTop = max(0, min(scrollTop, max(0, functions.count - visible)))
        for line in 0..<visible {
            let index = scrollTop + line
            guard functions.indices.contains(index) else { break }
            let function = functions[index]
            let instances = store.instances(of: function.functionName).filter { !$0.isGone }
            let live = function.liveInstances ?? instances.count
            // A platform that does not count requests (Kubernetes) shows "—", not a sum of zeros.
            let counted = instances.allSatisfy { $0.instance.metrics?.requestsAreCounted ?? true }
            let active = function.activeRequests.map(String.init)
                ?? (counted ? String(instances.reduce(0) { $0 + ($1.instance.metrics?.activeRequests ?? 0) }) : "—")
            let capacity = instances.reduce(0) { $0 + ($1.instance.metrics?.instanceConcurrency ?? 0) }
            let capacityText = capacity > 0 ? "\(active)/\(capacity)" : active
            let invocations = function.invocations.map(String.init) ?? "—"
            let selected = function.functionName == selectedName
            let marker = selected ? "▶" : " "
            let text = marker + Format.fit(function.functionName, nameWidth) + " " + Format.fit(function.runtime, 7) + " "
                + Format.fit(String(live), 4, alignRight: true) + " " + Format.fit(capacityText, 6, alignRight: true) + " "
                + Format.fit(invocations, 5, alignRight: true)
            let pen = selected ? screen.pen(focused ? .tableSelected : .tableSelectedInactive) : screen.pen(.tableRow)
            screen.fill(row: inner.y + 1 + line, col: inner.x, width: inner.width, pen: pen)
            screen.put(text, row: inner.y + 1 + line, col: inner.x, width: inner.width, pen: pen)
        }
    }
}
