/// How a background job ended, as its worker reports it through the inbox.
enum JobOutcome: Sendable, Equatable {
    /// Done; the sentence says what was moved and how it was checked.
    case succeeded(String)
    /// The error sentence (FileTransfer's, or how the command ended).
    case failed(String)
    /// Stopped at the user's request; what was left behind.
    case cancelled(String)
}
