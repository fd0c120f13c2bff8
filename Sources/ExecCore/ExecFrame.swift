/// One decoded exec message.
public enum ExecFrame: Sendable, Equatable {
    case stdin([UInt8])
    case stdout([UInt8])
    case stderr([UInt8])
    case status(ExecStatus)
    /// Function Compute's channel 3: a server error as text, no exit code.
    case serverError(String)
    case resize(TerminalSize)
    /// stdin reached EOF (v5 `[255, 0]`).
    case closeStdin
}

/// A message that does not follow the exec framing. The message says what was wrong.
public enum ExecFrameError: Error, Equatable, CustomStringConvertible {
    case emptyMessage
    case unknownChannel(UInt8)
    case unexpectedChannel(ExecChannel, ExecDialect)
    case badResize(String)
    case badCloseFrame(length: Int)
    case badStatus(String)
    case unexpectedText

    public var description: String {
        switch self {
        case .emptyMessage:
            return "empty exec message: every message starts with a channel byte"
        case .unknownChannel(let byte):
            return "unknown exec channel \(byte): expected 0 stdin, 1 stdout, 2 stderr, 3 status, 4 resize or 255 close"
        case .unexpectedChannel(let channel, let dialect):
            return "channel \(channel) is not valid in this direction for \(dialect == .functionCompute ? "the Function Compute dialect" : dialect.rawValue)"
        case .badResize(let why):
            return "bad resize message: \(why); expected JSON like {\"Width\":120,\"Height\":40}"
        case .badCloseFrame(let length):
            return "bad close message of \(length) bytes: expected exactly [255, 0]"
        case .badStatus(let why):
            return "bad status message: \(why)"
        case .unexpectedText:
            return "text message where the exec protocol expects binary"
        }
    }
}
