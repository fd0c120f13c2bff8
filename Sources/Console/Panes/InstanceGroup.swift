/// "Log into every instance" of one function (kubectl-tmux-exec's window of
/// panes): the panes it opened and every instance it has met, so that an
/// instance appearing while it is open is told from one it already had.
struct InstanceGroup: Equatable {
    let functionName: String
    /// The group's panes, in the order they opened.
    var paneIDs: [PaneID] = []
    /// Every instance that has had a pane in the group, or was offered one.
    var known: Set<String> = []

    /// Past this many instances the console asks before opening a pane for each
    /// (tiled panes get small, and every one is a session on the platform).
    static let confirmationThreshold = 16

    /// Whether opening `count` panes at once needs a yes first.
    static func needsConfirmation(count: Int) -> Bool { count > confirmationThreshold }

    /// What a new listing means for the group: which live instances it has not
    /// met (in the listing's order), and of those how many may open a pane of
    /// their own at once without asking; the rest are only offered.
    func arrivals(live: [String]) -> (open: [String], offer: [String]) {
        let new = live.filter { !known.contains($0) }
        let room = max(0, Self.confirmationThreshold - paneIDs.count)
        return (Array(new.prefix(room)), Array(new.dropFirst(room)))
    }
}
