import ExecCore
import Platform

/// What other threads tell the UI thread, through the `Inbox`.
enum ConsoleEvent: Sendable {
    /// A fresh listing from the platform.
    case snapshot(PlatformSnapshot)
    /// The listing failed; the refresher keeps retrying.
    case refreshFailed(String)
    /// A pane has output waiting in its `PaneOutput`.
    case paneOutput(PaneID)
    /// An exec session for a pane is open.
    case sessionOpened(PaneID, ExecSession)
    /// An exec session could not be opened.
    case sessionFailed(PaneID, String)
    /// An exec session ended (every byte of its output was posted before this).
    case sessionEnded(PaneID, ExecEnd)
    /// A log pane's stream is open (`generation` tells its streams apart).
    case logFollowing(PaneID, generation: Int)
    /// A log pane's stream stopped (every chunk it read was posted before this).
    case logEnded(PaneID, generation: Int, LogEnd)
    /// The detail of an instance arrived for the detail view.
    case detail(String, Result<InstanceDetail, PlatformFailure>)
    /// A message for the status line from background work.
    case notice(String, error: Bool)
    /// A download, upload or background action ended.
    case jobEnded(Int, JobOutcome)
    /// Names in an instance that start with what was typed at a transfer prompt (Tab).
    case remoteCompletion(typed: String, names: [String])
    /// A signal asked the console to stop (SIGTERM, SIGHUP, SIGINT).
    case terminate(Int32)
}

/// A platform error carried as text, so results stay `Sendable` and printable.
struct PlatformFailure: Error, Sendable, CustomStringConvertible {
    let description: String
}
