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

    var prompt: String {
        switch step {
        case .downloadSource: return "download from \(instanceId), path in the instance: "
        case .downloadDestination(let remote): return "save \(instanceId):\(remote) to (current directory; editable): "
        case .uploadSource: return "upload to \(instanceId), local file (current directory; editable): "
        case .uploadDestination(let local): return "upload \((local as NSString).lastPathComponent) to \(instanceId), path in the instance: "
        }
    }

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
