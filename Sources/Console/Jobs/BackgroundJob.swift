import FileTransfer
import Foundation

/// One piece of work the console runs off the UI thread and lists in the
/// transfers overlay: a download, an upload, or a quick action running in the
/// background. Lives on the UI thread; its worker reports back through the
/// inbox (`ConsoleEvent.jobEnded`) and, for transfers, through `progress`,
/// which is safe to read from any thread.
final class BackgroundJob {
    enum Kind: Equatable {
        case download(remotePath: String, localPath: String)
        case upload(localPath: String, remotePath: String)
        /// A quick action from actions.yaml, by its description.
        case action(String)
    }

    enum State: Equatable {
        case running
        case succeeded(String)
        case failed(String)
        case cancelled(String)

        var isRunning: Bool { self == .running }

        /// The word the overlay's state column shows.
        var word: String {
            switch self {
            case .running: return "running"
            case .succeeded: return "done"
            case .failed: return "failed"
            case .cancelled: return "cancelled"
            }
        }

        /// The sentence about how it ended (the verified hash, or FileTransfer's error).
        var message: String? {
            switch self {
            case .running: return nil
            case .succeeded(let text), .failed(let text), .cancelled(let text): return text
            }
        }
    }

    let id: Int
    let functionName: String
    let instanceId: String
    let kind: Kind
    /// Bytes and files moved so far (transfers only).
    let progress: TransferProgress?
    let started = Date()
    private(set) var ended: Date?
    private(set) var state: State = .running
    /// Set once the user asked to cancel: the end the worker reports is then a cancellation.
    private(set) var cancelRequested = false
    /// Stops the worker; set by whoever starts it.
    var stop: (() -> Void)?

    init(id: Int, functionName: String, instanceId: String, kind: Kind, progress: TransferProgress?) {
        self.id = id
        self.functionName = functionName
        self.instanceId = instanceId
        self.kind = kind
        self.progress = progress
    }

    func cancel() {
        guard state.isRunning, !cancelRequested else { return }
        cancelRequested = true
        stop?()
    }

    func finish(_ state: State) {
        guard self.state.isRunning else { return }
        self.state = state
        ended = Date()
        stop = nil
    }

    /// What it moves or runs, for a row: "↓ c-1a2b:/tmp/a.cap → ./a.cap".
    var title: String {
        switch kind {
        case .download(let remote, let local): return "↓ \(instanceId):\(remote) → \(Self.relative(local))"
        case .upload(let local, let remote): return "↑ \(Self.relative(local)) → \(instanceId):\(remote)"
        case .action(let description): return "⚡ \(description) (\(instanceId.isEmpty ? functionName : instanceId))"
        }
    }

    /// A local path as `./name` when it is under the current directory (rows stay short).
    static func relative(_ path: String) -> String {
        let here = FileManager.default.currentDirectoryPath
        guard here != "/", path.hasPrefix(here + "/") else { return path }
        return "." + path.dropFirst(here.count)
    }

    /// A short name for the status line: the file name, or the action.
    var shortName: String {
        switch kind {
        case .download(let remote, _): return (remote as NSString).lastPathComponent
        case .upload(let local, _): return (local as NSString).lastPathComponent
        case .action(let description): return description
        }
    }

    var isTransfer: Bool { progress != nil }

    /// Seconds it has run (or ran).
    var elapsed: Double { (ended ?? Date()).timeIntervalSince(started) }

    /// Fraction done, when the size is known (a single file).
    var fraction: Double? {
        guard let snapshot = progress?.snapshot, snapshot.filesDone == 0 || !state.isRunning,
              let size = snapshot.fileSize, size > 0 else { return nil }
        if case .succeeded = state { return 1 }
        return min(1, Double(snapshot.fileBytes) / Double(size))
    }
}
