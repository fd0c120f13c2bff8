import ExecCore

/// How the command went in one instance of a fan-out.
struct FanOutResult: Encodable {
    var instanceId: String
    var end: ExecEnd
    var durationSeconds: Double
    var stdout: String
    var stderr: String

    /// The remote exit code; nil when the session ended without one.
    var exitCode: Int32? {
        if case .exited(let code) = end { return code }
        return nil
    }

    /// "exited 0", or the end's summary and why.
    var resultText: String {
        if case .exited = end { return end.summary }
        return "\(end.summary): \(end.description)"
    }

    enum CodingKeys: String, CodingKey {
        case instanceId, exitCode, end, message, durationSeconds, stdout, stderr
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(instanceId, forKey: .instanceId)
        try container.encode(exitCode, forKey: .exitCode)  // null when there is none, not absent
        try container.encode(end.summary, forKey: .end)
        try container.encode(end.description, forKey: .message)
        try container.encode((durationSeconds * 1000).rounded() / 1000, forKey: .durationSeconds)
        try container.encode(stdout, forKey: .stdout)
        try container.encode(stderr, forKey: .stderr)
    }
}
