import Foundation

/// Instance output logs stay bounded: ended instances' logs are pruned per
/// function when they end (see `processExited`), and a live instance's log that
/// grows past `maxLogBytes` is cut back here. `openLog` reads them for the
/// logs endpoint (docs/PROTOCOL.md §3).
extension LocalPlatform {
    func truncateLongLogs() {
        let live: [(URL, LogCuts)] = locked {
            instances.values.filter { $0.status.isLive }.compactMap { instance in instance.logFile.map { ($0, instance.logCuts) } }
        }
        for (log, cuts) in live {
            guard let size = (try? FileManager.default.attributesOfItem(atPath: log.path))?[.size] as? Int64,
                  size > options.maxLogBytes
            else { continue }
            cuts.cut {
                // The instance writes with O_APPEND, so its next write lands after the note.
                guard truncate(log.path, 0) == 0, let handle = FileHandle(forWritingAtPath: log.path) else { return }
                handle.seekToEndOfFile()
                handle.write(Data("[porthole: log cut at \(size) bytes (maxLogBytes \(options.maxLogBytes)); older output dropped]\n".utf8))
                try? handle.close()
            }
        }
    }

    /// Opens the output log of `instanceId` for reading: a live instance's, or
    /// an ended one's while it is kept (the newest `logsKeptPerFunction` per
    /// function). Throws the API's 404s: no such function or instance, or a
    /// log already pruned.
    func openLog(function: String, instanceId: String, tailLines: Int?, follow: Bool) throws -> LogReader {
        let source: LogReader.Source = try locked {
            guard specs[function] != nil else { throw APIError.functionNotFound(function) }
            if let instance = instances[instanceId], instance.spec.functionName == function, let file = instance.logFile {
                return LogReader.Source(
                    file: file, cuts: instance.logCuts,
                    hasEnded: { [weak self] in self?.locked { instance.endedAt != nil } ?? true })
            }
            // Forgotten (past its tombstone) but its log is still kept: it has ended.
            let file = options.stateDirectory.logsDirectory.appendingPathComponent("\(instanceId).log")
            if endedLogs[function, default: []].contains(file) {
                return LogReader.Source(file: file, cuts: LogCuts(), hasEnded: { true })
            }
            if prunedLogs[instanceId] == function { throw logPruned(instanceId, function: function) }
            throw APIError(
                status: 404, code: "InstanceNotFound",
                message: "instance \(instanceId) of \(function) does not exist and no log of it is kept; run `porthole instances \(function)` to list its instances")
        }
        do {
            return try LogReader(source: source, tailLines: tailLines, follow: follow, counter: logReaders)
        } catch LogReader.OpenError.missing {
            throw logPruned(instanceId, function: function)
        }
    }

    private func logPruned(_ instanceId: String, function: String) -> APIError {
        APIError(
            status: 404, code: "LogPruned",
            message: "the log of instance \(instanceId) was pruned: porthole keeps the logs of the newest \(options.logsKeptPerFunction) ended instances of \(function); read a log before it goes, or follow it with `porthole logs -f`")
    }

    /// Remembers whose logs `processExited` pruned (a bounded number), so asking for one says so.
    func rememberPruned(_ ids: [String], function: String) {
        for id in ids {
            prunedLogs[id] = function
            prunedOrder.append(id)
        }
        if prunedOrder.count > 1000 {
            for id in prunedOrder.prefix(prunedOrder.count - 1000) { prunedLogs[id] = nil }
            prunedOrder.removeFirst(prunedOrder.count - 1000)
        }
    }

    /// Log readers open now (each holds the log file open); tests check that
    /// a client that goes away leaves none behind.
    public var openLogReaders: Int { logReaders.open }
}
