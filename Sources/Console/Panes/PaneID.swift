/// Identifies a pane for as long as the console runs (never reused).
struct PaneID: Hashable, Sendable, CustomStringConvertible {
    let value: Int
    var description: String { "%\(value)" }
}
