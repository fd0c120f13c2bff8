import ExecCore

/// Where a pane's exec session is.
enum PaneState {
    case connecting
    case open(ExecSession)
    /// The session ended; how, as the platform said.
    case ended(ExecEnd)
    /// The session could not be opened (released instance, server gone, …).
    case failed(String)

    var isOpen: Bool {
        if case .open = self { return true }
        return false
    }

    var isFinished: Bool {
        switch self {
        case .ended, .failed: return true
        case .connecting, .open: return false
        }
    }

    /// The few words a title or status line shows.
    var summary: String {
        switch self {
        case .connecting: return "connecting…"
        case .open: return "live"
        case .ended(let end): return end.summary
        case .failed: return "could not connect"
        }
    }
}
