/// The arrangement of panes: a small tree of splits, like tmux's layouts. New
/// panes split the focused one; presets rebuild the tree from the pane order.
struct PaneLayout: Equatable, Sendable {
    private(set) var root: LayoutNode?
    /// The last preset applied (so `Space` moves on from it).
    private(set) var preset: LayoutPreset?

    var paneIDs: [PaneID] { root?.paneIDs ?? [] }
    var isEmpty: Bool { root == nil }

    /// Adds `id` next to `target` (or as the only pane), splitting along `axis`.
    mutating func insert(_ id: PaneID, nextTo target: PaneID?, axis: SplitAxis) {
        guard let root else {
            self.root = .pane(id)
            return
        }
        preset = nil
        guard let target, root.contains(target) else {
            // No target: split the whole area.
            self.root = Self.inserting(id, after: nil, axis: axis, in: root)
            return
        }
        self.root = Self.inserting(id, after: target, axis: axis, in: root)
    }

    private static func inserting(_ id: PaneID, after target: PaneID?, axis: SplitAxis, in node: LayoutNode) -> LayoutNode {
        guard let target else {
            if case .split(let a, var children, _) = node, a == axis {
                children.append(.pane(id))
                return .even(axis, children)
            }
            return .even(axis, [node, .pane(id)])
        }
        switch node {
        case .pane(let existing):
            return existing == target ? .even(axis, [node, .pane(id)]) : node
        case .split(let a, var children, var weights):
            if a == axis, let index = children.firstIndex(of: .pane(target)) {
                // Same direction as this split: the new pane takes half the target's share.
                let half = weights[index] / 2
                weights[index] = half
                children.insert(.pane(id), at: index + 1)
                weights.insert(half, at: index + 1)
                return .split(a, children, weights: weights)
            }
            children = children.map { $0.contains(target) ? inserting(id, after: target, axis: axis, in: $0) : $0 }
            return .split(a, children, weights: weights)
        }
    }

    /// Takes a pane out; its space goes to its siblings.
    mutating func remove(_ id: PaneID) {
        guard let root else { return }
        self.root = Self.removing(id, from: root)
    }

    private static func removing(_ id: PaneID, from node: LayoutNode) -> LayoutNode? {
        switch node {
        case .pane(let existing):
            return existing == id ? nil : node
        case .split(let axis, let children, let weights):
            var kept: [LayoutNode] = []
            var keptWeights: [Double] = []
            for (child, weight) in zip(children, weights) {
                guard let remaining = removing(id, from: child) else { continue }
                // A split left with one child of the same axis merges into this one.
                if case .split(let childAxis, let grandchildren, let childWeights) = remaining, childAxis == axis {
                    let sum = childWeights.reduce(0, +)
                    kept.append(contentsOf: grandchildren)
                    keptWeights.append(contentsOf: childWeights.map { $0 / sum * weight })
                } else {
                    kept.append(remaining)
                    keptWeights.append(weight)
                }
            }
            if kept.isEmpty { return nil }
            if kept.count == 1 { return kept[0] }
            return .split(axis, kept, weights: keptWeights)
        }
    }

    /// Rebuilds the tree as a preset, keeping the current pane order.
    mutating func apply(_ preset: LayoutPreset) {
        let ids = paneIDs
        self.preset = preset
        guard !ids.isEmpty else { return }
        let leaves = ids.map(LayoutNode.pane)
        switch preset {
        case .evenHorizontal:
            root = .even(.beside, leaves)
        case .evenVertical:
            root = .even(.below, leaves)
        case .mainVertical:
            root = leaves.count == 1
                ? leaves[0]
                : .split(.beside, [leaves[0], .even(.below, Array(leaves.dropFirst()))], weights: [3, 2])
        case .tiled:
            let columns = Int(Double(leaves.count).squareRoot().rounded(.up))
            var rows: [LayoutNode] = []
            var start = 0
            while start < leaves.count {
                rows.append(.even(.beside, Array(leaves[start..<min(leaves.count, start + columns)])))
                start += columns
            }
            root = .even(.below, rows)
        }
    }

    /// The outer rectangle (border included) of every pane.
    func frames(in rect: Rect) -> [PaneID: Rect] {
        var frames: [PaneID: Rect] = [:]
        root?.frames(in: rect, into: &frames)
        return frames
    }

    enum Direction: Sendable { case left, right, up, down }

    /// The pane next to `id` in a direction: the nearest one on that side that
    /// overlaps it on the other axis, preferring the largest overlap.
    static func neighbour(of id: PaneID, _ direction: Direction, frames: [PaneID: Rect]) -> PaneID? {
        guard let from = frames[id] else { return nil }
        func overlap(_ a0: Int, _ a1: Int, _ b0: Int, _ b1: Int) -> Int { max(0, min(a1, b1) - max(a0, b0)) }
        var best: (id: PaneID, gap: Int, overlap: Int)?
        for (other, rect) in frames where other != id {
            let gap: Int
            let shared: Int
            switch direction {
            case .left:
                guard rect.maxX <= from.x else { continue }
                gap = from.x - rect.maxX
                shared = overlap(from.y, from.maxY, rect.y, rect.maxY)
            case .right:
                guard rect.x >= from.maxX else { continue }
                gap = rect.x - from.maxX
                shared = overlap(from.y, from.maxY, rect.y, rect.maxY)
            case .up:
                guard rect.maxY <= from.y else { continue }
                gap = from.y - rect.maxY
                shared = overlap(from.x, from.maxX, rect.x, rect.maxX)
            case .down:
                guard rect.y >= from.maxY else { continue }
                gap = rect.y - from.maxY
                shared = overlap(from.x, from.maxX, rect.x, rect.maxX)
            }
            guard shared > 0 else { continue }
            if let current = best {
                // Nearest first, then the largest overlap, then the lower id (so ties are stable).
                if current.gap < gap { continue }
                if current.gap == gap, current.overlap > shared { continue }
                if current.gap == gap, current.overlap == shared, current.id.value < other.value { continue }
            }
            best = (other, gap, shared)
        }
        return best?.id
    }
}
