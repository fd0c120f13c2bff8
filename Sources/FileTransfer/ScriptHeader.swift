/// The first stdout line of the copy script (`PORTHOLE-CP 1 …`), parsed.
enum ScriptHeader: Equatable {
    /// A download follows: `tar` or `cat`, whether the path is a directory,
    /// its size when the instance could tell, whether it hashes the stream.
    case download(mode: TransferMode, isDirectory: Bool, size: Int64?, hashes: Bool)
    /// The instance waits for an upload stream in this mode.
    case ready(mode: TransferMode, hashes: Bool)
    /// The script refused: notfound, permission, notar, exists; `detail` is a path when given.
    case error(code: String, detail: String)

    static func parse(_ line: [UInt8]) -> ScriptHeader? {
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix(RemoteScript.marker + " ") else { return nil }
        let words = text.dropFirst(RemoteScript.marker.count + 1).split(separator: " ", maxSplits: 4).map(String.init)
        switch words.first {
        case "tar" where words.count >= 4, "cat" where words.count >= 4:
            return .download(
                mode: words[0] == "tar" ? .tar : .cat, isDirectory: words[1] == "dir", size: Int64(words[2]),
                hashes: words[3] == "sha256")
        case "ready" where words.count >= 3:
            return .ready(mode: words[1] == "tar" ? .tar : .cat, hashes: words[2] == "sha256")
        case "error" where words.count >= 2:
            return .error(code: words[1], detail: words.dropFirst(2).joined(separator: " "))
        default:
            return nil
        }
    }
}

/// How the bytes travel inside the instance.
public enum TransferMode: String, Sendable {
    /// A tar stream: directories, modes, links.
    case tar
    /// Plain `cat`: one file, needing only a POSIX shell.
    case cat
}
