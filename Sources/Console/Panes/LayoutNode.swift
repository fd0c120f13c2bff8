/// A cell of the pane layout tree (tmux's `layout_cell`): a pane, or a split whose
/// children share its rectangle along one axis in proportion to their weights.
indirect enum LayoutNode: Equatable, Sendable {
    case pane(PaneID)
    case split(SplitAxis, [LayoutNode], weights: [Double])

    static func even(_ axis: SplitAxis, _ children: [LayoutNode]) -> LayoutNode {
        children.count == 1 ? children[0] : .split(axis, children, weights: Array(repeating: 1, count: children.count))
    }

    /// Panes in reading order (depth first).
    var paneIDs: [PaneID] {
        switch self {
        case .pane(let id): return [id]
        case .split(_, let children, _): return children.flatMap(\.paneIDs)
        }
    }

    func contains(_ id: PaneID) -> Bool { paneIDs.contains(id) }

    /// The outer rectangle of every pane when this node fills `rect`.
    func frames(in rect: Rect, into frames: inout [PaneID: Rect]) {
        switch self {
        case .pane(let id):
            frames[id] = rect
        case .split(let axis, let children, let weights):
            let total = axis == .beside ? rect.width : rect.height
            let sizes = Self.divide(total, weights: weights)
            var offset = 0
            for (child, size) in zip(children, sizes) {
                let part = axis == .beside
                    ? Rect(x: rect.x + offset, y: rect.y, width: size, height: rect.height)
                    : Rect(x: rect.x, y: rect.y + offset, width: rect.width, height: size)
                child.frames(in: part, into: &frames)
                offset += size
            }
        }
    }

    /// Splits `total` cells by weight; the sizes always add up to `total`.
    static func divide(_ total: Int, weights: [Double]) -> [Int] {
        let sum = weights.reduce(0, +)
        guard sum > 0, !weights.isEmpty else { return weights.map { _ in 0 } }
        var sizes: [Int] = []
        var used = 0
        var running = 0.0
        for weight in weights {
            running += weight
            let end = Int((Double(total) * running / sum).rounded())
            sizes.append(end - used)
            used = end
        }
        return sizes
    }
}
