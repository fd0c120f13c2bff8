import ExecCore

/// Where a pane's exec session (or a log pane's stream) is.
enum PaneState {
    case connecting
    case open(ExecSession)
    /// The session ended; how, as the platform said.
    case ended(ExecEnd)
    /// The session could not be opened (released instance, server gone, …).
    case failed(String)
    /// A log pane reads its instance's log as it is written (no session: nothing to type into).
    case following
    /// A log pane's stream stopped; why.
    case logEnded(LogEnd)

    var isOpen: Bool {
        if case .open = self { return true }
        return false
    }

    /// A log pane reading its stream.
    var isFollowing: Bool {
        if case .following = self { return true }
        return false
    }

    var isFinished: Bool {
        switch self {
        case .ended, .failed, .logEnded: return true
        case .connecting, .open, .following: return false
        }
    }

    /// The few words a title or status line shows.
    var summary: String {
        switch self {
        case .connecting: return "connecting…"
        case .open: return "live"
        case .ended(let end): return end.summary
        case .failed: return "could not connect"
        case .following: return "following"
        case .logEnded: return "ended"
        }
    }
}
