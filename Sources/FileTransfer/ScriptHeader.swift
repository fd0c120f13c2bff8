/// The first stdout line of the copy script (`PORTHOLE-CP 1 …`), parsed.
enum ScriptHeader: Equatable {
    /// A download follows: `tar` or `cat`, whether the path is a directory,
    /// its size when the instance could tell, whether it hashes the stream.
    /// `permissions` (from `ls -l`) and `fellBack` (no tar there) apply to a raw file.
    case download(mode: TransferMode, isDirectory: Bool, size: Int64?, hashes: Bool, permissions: UInt32?, fellBack: Bool)
    /// The instance waits for an upload stream in this mode.
    case ready(mode: TransferMode, hashes: Bool)
    /// The script refused: notfound, permission, notar, exists; `detail` is a path when given.
    case error(code: String, detail: String)

    static func parse(_ line: [UInt8]) -> ScriptHeader? {
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix(RemoteScript.marker + " ") else { return nil }
        let words = text.dropFirst(RemoteScript.marker.count + 1).split(separator: " ", maxSplits: 4).map(String.init)
        switch words.first {
        case "tar" where words.count >= 4, "cat" where words.count >= 4, "raw" where words.count >= 4:
            return .download(
                mode: words[0] == "tar" ? .tar : .cat, isDirectory: words[1] == "dir", size: Int64(words[2]),
                hashes: words[3] == "sha256", permissions: words.count > 4 ? permissions(words[4]) : nil,
                fellBack: words[0] == "cat")
        case "ready" where words.count >= 3:
            return .ready(mode: words[1] == "tar" ? .tar : .cat, hashes: words[2] == "sha256")
        case "error" where words.count >= 2:
            return .error(code: words[1], detail: words.dropFirst(2).joined(separator: " "))
        default:
            return nil
        }
    }

    /// "-rwsr-x--T" → 0o4750 | sticky…; nil when it is not an `ls -l` mode field.
    static func permissions(_ field: String) -> UInt32? {
        let chars = Array(field.utf8)
        guard chars.count >= 10 else { return nil }
        var mode: UInt32 = 0
        let bits: [(Int, UInt8, UInt32)] = [
            (1, UInt8(ascii: "r"), 0o400), (2, UInt8(ascii: "w"), 0o200), (4, UInt8(ascii: "r"), 0o040),
            (5, UInt8(ascii: "w"), 0o020), (7, UInt8(ascii: "r"), 0o004), (8, UInt8(ascii: "w"), 0o002),
        ]
        for (index, letter, bit) in bits where chars[index] == letter { mode |= bit }
        // The execute columns also carry setuid, setgid and sticky: lower case means "and executable".
        for (index, execute, special, specialLetter) in [(3, 0o100, 0o4000, "s"), (6, 0o010, 0o2000, "s"), (9, 0o001, 0o1000, "t")] as [(Int, UInt32, UInt32, String)] {
            switch chars[index] {
            case UInt8(ascii: "x"): mode |= execute
            case UInt8(ascii: "-"): break
            case Array(specialLetter.utf8)[0]: mode |= execute | special
            case Array(specialLetter.uppercased().utf8)[0]: mode |= special
            default: return nil
            }
        }
        return mode
    }
}

/// How the bytes travel inside the instance.
public enum TransferMode: String, Sendable {
    /// A tar stream: directories, modes, links.
    case tar
    /// Plain `cat`: one file, needing only a POSIX shell.
    case cat
}
