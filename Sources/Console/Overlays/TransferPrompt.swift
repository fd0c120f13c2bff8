import Foundation

/// The two questions of "Download file…" and "Upload file…" in the command
/// bar: what to copy, then where to. Local paths start as the current
/// directory, written out so the user sees (and may edit) where a file goes.
struct TransferPrompt: Equatable {
    enum Step: Equatable {
        case downloadSource
        case downloadDestination(remotePath: String)
        case uploadSource
        case uploadDestination(localPath: String)
    }

    let functionName: String
    let instanceId: String
    var step: Step
    /// What Tab found in the instance, when it could not complete further ("3 matches: …").
    var hint: String?

    init(functionName: String, instanceId: String, step: Step) {
        self.functionName = functionName
        self.instanceId = instanceId
        self.step = step
    }

    /// The line asks for a path in the instance (Tab completes it there).
    var isRemote: Bool {
        switch step {
        case .downloadSource, .uploadDestination: return true
        case .downloadDestination, .uploadSource: return false
        }
    }

    var prompt: String {
        guard let hint else { return question }
        return question.dropLast(2) + " (\(hint)): "
    }

    private var question: String {
        switch step {
        case .downloadSource: return "download from \(instanceId), path in the instance: "
        case .downloadDestination(let remote): return "save \(instanceId):\(remote) to (current directory; editable): "
        case .uploadSource: return "upload to \(instanceId), local file (current directory; editable): "
        case .uploadDestination(let local): return "upload \((local as NSString).lastPathComponent) to \(instanceId), path in the instance: "
        }
    }

    /// `/var/log/ap` → (`/var/log/`, `ap`): the directory to list and the start of the name.
    static func split(_ typed: String) -> (directory: String, name: String) {
        guard let slash = typed.lastIndex(of: "/") else { return ("", typed) }
        return (String(typed[...slash]), String(typed[typed.index(after: slash)...]))
    }

    /// The longest start all `names` share.
    static func commonPrefix(_ names: [String]) -> String {
        guard var common = names.first.map(Array.init) else { return "" }
        for name in names.dropFirst() {
            let other = Array(name)
            var length = 0
            while length < common.count, length < other.count, common[length] == other[length] { length += 1 }
            common = Array(common[..<length])
        }
        return String(common)
    }

    /// Lists the entries of `$1` starting with `$2` (directories with a trailing /), one a line.
    /// The typed text travels as arguments, never as script.
    static let completionScript = #"""
        cd -- "$1" 2>/dev/null || exit 0
        for f in "$2"*; do
          [ -e "$f" ] || [ -L "$f" ] || continue
          if [ -d "$f" ]; then printf '%s/\n' "$f"; else printf '%s\n' "$f"; fi
        done
        """#

    /// What the line starts with.
    var initialText: String {
        switch step {
        case .downloadSource, .uploadDestination: return "/tmp/"
        case .downloadDestination, .uploadSource: return Self.currentDirectory + "/"
        }
    }

    /// Each question keeps its own history.
    var historyKey: String {
        switch step {
        case .downloadSource: return "download-source"
        case .downloadDestination: return "download-destination"
        case .uploadSource: return "upload-source"
        case .uploadDestination: return "upload-destination"
        }
    }

    static var currentDirectory: String {
        let path = FileManager.default.currentDirectoryPath
        return path == "/" ? "" : path
    }

    /// `~/x` as the shell would read it.
    static func expandingTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return (ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + path.dropFirst()
    }
}
