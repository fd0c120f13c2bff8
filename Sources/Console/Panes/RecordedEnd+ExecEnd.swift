import ExecCore
import SessionRecording

extension RecordedEnd {
    /// How a session's end goes into its recording's final marker: the exit code,
    /// else the end's summary and message. The CLI's `--record` and the console's
    /// pane recordings both write it this way.
    public init(_ end: ExecEnd) {
        switch end {
        case .exited(let code): self = .exitCode(code)
        default: self = .reason("\(end.summary): \(end.description)")
        }
    }
}
