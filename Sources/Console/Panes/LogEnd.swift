/// Why a log pane's stream stopped; the pane writes it as its last line.
enum LogEnd: Sendable, Equatable {
    /// The stream reached its end: with follow, the instance (or its container) ended.
    case endOfLog(followed: Bool)
    /// The platform refused before the first byte (unknown instance, logs it cannot read).
    case refused(String)
    /// The stream broke after it had started (connection lost, server gone).
    case broken(String)

    /// The reason a recording of the pane ends with.
    var recordedReason: String {
        switch self {
        case .endOfLog(followed: true): return "log ended: the instance ended"
        case .endOfLog(followed: false): return "end of the log"
        case .refused(let message): return "log refused: \(message)"
        case .broken(let message): return "log stream broke: \(message)"
        }
    }

    /// The line written into the pane, without its brackets.
    func note(instanceId: String, reopenKey: String) -> String {
        switch self {
        case .endOfLog(followed: true): return "log ended: \(instanceId) has ended · \(reopenKey) reopens"
        case .endOfLog(followed: false): return "end of the log · \(reopenKey) reads it again"
        case .refused(let message): return "cannot read the log of \(instanceId): \(message)"
        case .broken(let message): return "the log stream broke: \(message) · \(reopenKey) reopens"
        }
    }
}
