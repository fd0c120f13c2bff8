/// Which part of the console receives keys.
enum Focus: Equatable {
    case functions
    case instances
    case pane(PaneID)

    var paneID: PaneID? {
        if case .pane(let id) = self { return id }
        return nil
    }
}
