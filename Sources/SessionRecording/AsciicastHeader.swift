/// The first line of an asciicast v2 file: the terminal's size when recording
/// started and what was recorded (docs.asciinema.org, "asciicast v2").
public struct AsciicastHeader: Sendable, Equatable {
    /// Columns and rows of the terminal at the start; resizes come later as "r" events.
    public var width: Int
    public var height: Int
    /// Unix time (seconds) when recording started.
    public var timestamp: Int?
    /// The command that was recorded, as a shell would show it.
    public var command: String?
    public var title: String?
    /// Players cap pauses longer than this many seconds.
    public var idleTimeLimit: Double?
    /// The recording terminal's environment; porthole records TERM and SHELL.
    public var env: [String: String]

    public init(
        width: Int, height: Int, timestamp: Int? = nil, command: String? = nil, title: String? = nil,
        idleTimeLimit: Double? = nil, env: [String: String] = [:]
    ) {
        self.width = width
        self.height = height
        self.timestamp = timestamp
        self.command = command
        self.title = title
        self.idleTimeLimit = idleTimeLimit
        self.env = env
    }

    /// The header as one JSON line (without the newline), keys in a fixed order.
    public var jsonLine: String {
        var fields = ["\"version\": 2", "\"width\": \(width)", "\"height\": \(height)"]
        if let timestamp { fields.append("\"timestamp\": \(timestamp)") }
        if let idleTimeLimit { fields.append("\"idle_time_limit\": \(JSONText.number(idleTimeLimit))") }
        if let command { fields.append("\"command\": \(JSONText.quoted(command))") }
        if let title { fields.append("\"title\": \(JSONText.quoted(title))") }
        if !env.isEmpty {
            let pairs = env.keys.sorted().map { "\(JSONText.quoted($0)): \(JSONText.quoted(env[$0]!))" }
            fields.append("\"env\": {\(pairs.joined(separator: ", "))}")
        }
        return "{" + fields.joined(separator: ", ") + "}"
    }
}

extension AsciicastHeader {
    /// An argv as a POSIX shell would need it typed, for the header's `command`.
    public static func commandLine(_ argv: [String]) -> String {
        argv.map(shellQuoted).joined(separator: " ")
    }

    static func shellQuoted(_ word: String) -> String {
        let plain = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./=:,+@%")
        if !word.isEmpty, word.allSatisfy({ plain.contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
