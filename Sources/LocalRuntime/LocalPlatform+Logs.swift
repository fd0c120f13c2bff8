import Foundation

/// Instance output logs stay bounded: ended instances' logs are pruned per
/// function when they end (see `processExited`), and a live instance's log that
/// grows past `maxLogBytes` is cut back here.
extension LocalPlatform {
    func truncateLongLogs() {
        let live: [URL] = locked { instances.values.filter { $0.status.isLive }.compactMap(\.logFile) }
        for log in live {
            guard let size = (try? FileManager.default.attributesOfItem(atPath: log.path))?[.size] as? Int64,
                  size > options.maxLogBytes
            else { continue }
            // The instance writes with O_APPEND, so its next write lands after the note.
            guard truncate(log.path, 0) == 0, let handle = FileHandle(forWritingAtPath: log.path) else { continue }
            handle.seekToEndOfFile()
            handle.write(Data("[porthole: log cut at \(size) bytes (maxLogBytes \(options.maxLogBytes)); older output dropped]\n".utf8))
            try? handle.close()
        }
    }
}
