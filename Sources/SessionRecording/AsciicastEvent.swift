/// One line after the header: what happened, and when, in seconds since the
/// recording started.
public struct AsciicastEvent: Sendable, Equatable {
    public var time: Double
    public var kind: Kind

    public init(time: Double, kind: Kind) {
        self.time = time
        self.kind = kind
    }

    public enum Kind: Sendable, Equatable {
        /// "o": text the terminal showed.
        case output(String)
        /// "i": text the user typed (recorded only when asked for).
        case input(String)
        /// "r": the terminal was resized to this many columns and rows.
        case resize(cols: Int, rows: Int)
        /// "m": a marker with a label; porthole's last one tells how the session ended.
        case marker(String)

        /// The event's type code on the wire.
        public var code: String {
            switch self {
            case .output: return "o"
            case .input: return "i"
            case .resize: return "r"
            case .marker: return "m"
            }
        }

        /// The event's data string on the wire.
        public var data: String {
            switch self {
            case .output(let text), .input(let text), .marker(let text): return text
            case .resize(let cols, let rows): return "\(cols)x\(rows)"
            }
        }
    }

    /// The event as one JSON line (without the newline): `[time, "code", "data"]`.
    public var jsonLine: String {
        "[\(JSONText.time(time)), \"\(kind.code)\", \(JSONText.quoted(kind.data))]"
    }
}
