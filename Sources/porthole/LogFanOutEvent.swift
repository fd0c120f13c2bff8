/// What a task of `porthole logs --function` reports back to the loop that runs them.
enum LogFanOutEvent: Sendable {
    /// Time to list the function's instances again (following only).
    case poll
    /// The instance's log could not be opened; nothing of it was printed.
    case notOpened(instanceId: String, error: any Error)
    /// The instance's log ended: its end (following: the instance ended), or `error` when it broke off.
    case ended(instanceId: String, error: (any Error)?)
    /// Stdout refused a write: its reader is gone, so everything stops.
    case stdoutClosed
}
