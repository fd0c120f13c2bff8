/// The preset arrangements, named as tmux names them.
enum LayoutPreset: String, CaseIterable, Sendable {
    case evenHorizontal = "even-horizontal"
    case evenVertical = "even-vertical"
    case mainVertical = "main-vertical"
    case tiled

    /// The preset `Space` moves to after this one.
    var next: LayoutPreset {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}
