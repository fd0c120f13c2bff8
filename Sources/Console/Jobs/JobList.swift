import FileTransfer
import Foundation

/// The console's background jobs, newest last, and the summary the status line
/// shows while any runs. UI thread only.
final class JobList {
    private(set) var jobs: [BackgroundJob] = []
    private var nextID = 1
    /// Finished jobs kept for the overlay; older ones are dropped.
    static let keptFinished = 50

    func add(functionName: String, instanceId: String, kind: BackgroundJob.Kind, progress: TransferProgress?) -> BackgroundJob {
        let job = BackgroundJob(id: nextID, functionName: functionName, instanceId: instanceId, kind: kind, progress: progress)
        nextID += 1
        jobs.append(job)
        var finished = jobs.filter { !$0.state.isRunning }.count
        while finished > Self.keptFinished, let index = jobs.firstIndex(where: { !$0.state.isRunning }) {
            jobs.remove(at: index)
            finished -= 1
        }
        return job
    }

    func job(_ id: Int) -> BackgroundJob? { jobs.first { $0.id == id } }

    var running: [BackgroundJob] { jobs.filter { $0.state.isRunning } }

    var hasRunning: Bool { jobs.contains { $0.state.isRunning } }

    /// "↓ a.cap 45% 20.1 MiB/s", or "3 transfers · 40.2 MiB/s" for several; nil when none runs.
    var summary: String? {
        let active = running
        guard let first = active.first else { return nil }
        if active.count == 1 {
            guard let snapshot = first.progress?.snapshot else {
                return "⚡ \(first.shortName) \(ByteCountText.duration(first.elapsed))"
            }
            let arrow = if case .upload = first.kind { "↑" } else { "↓" }
            var text = "\(arrow) \(first.shortName) "
            if let fraction = first.fraction {
                text += "\(Int(fraction * 100))%"
            } else {
                text += ByteCountText.short(snapshot.totalBytes)
            }
            return text + " \(ByteCountText.short(Int64(snapshot.rate)))/s"
        }
        let transfers = active.filter(\.isTransfer)
        let rate = transfers.reduce(0.0) { $0 + ($1.progress?.snapshot.rate ?? 0) }
        var parts: [String] = []
        if !transfers.isEmpty { parts.append("\(transfers.count) transfer\(transfers.count == 1 ? "" : "s") \(ByteCountText.short(Int64(rate)))/s") }
        let actions = active.count - transfers.count
        if actions > 0 { parts.append("\(actions) action\(actions == 1 ? "" : "s")") }
        return parts.joined(separator: " · ")
    }
}
