/// What went wrong with a recording file, in words a user can act on.
public enum AsciicastError: Error, Equatable, CustomStringConvertible {
    /// The file could not be created or opened for writing.
    case cannotCreate(path: String, reason: String)
    /// Writing to the file failed part way (disk full, file system gone).
    case writeFailed(path: String, reason: String)
    /// The file could not be read at all.
    case cannotRead(path: String, reason: String)
    /// The file is empty: no header line.
    case empty(path: String)
    /// A line is not what asciicast v2 allows; `line` is 1-based, the header is line 1.
    case invalidLine(path: String, line: Int, problem: String)

    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason):
            return "cannot create the recording \(path): \(reason)"
        case .writeFailed(let path, let reason):
            return "writing the recording \(path) failed: \(reason); the file holds the session up to that point"
        case .cannotRead(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .empty(let path):
            return "\(path) is empty: an asciicast v2 file starts with a JSON header line"
        case .invalidLine(let path, let line, let problem):
            return "\(path):\(line): \(problem)"
        }
    }
}
