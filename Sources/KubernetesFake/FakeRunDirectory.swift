import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The one directory a process keeps the fake cluster's files in (its PKI, the
/// clusters' work directories): `$TMPDIR/porthole-kube-run-PID`, removed when
/// the process exits. A process that dies without exiting (killed, crashed)
/// cannot remove it, so the next process that makes one removes those nobody
/// holds: the owner keeps an flock on its directory for its lifetime, which the
/// kernel releases however it dies (and which, unlike a pid, means the same in
/// every pid namespace sharing the file system). Tests and porthole-bench thus
/// leave nothing in `$TMPDIR`.
public enum FakeRunDirectory {
    static let prefix = "porthole-kube-run-"

    /// The process that made the directory: a forked child that exits must not remove it.
    private static let owner = getpid()

    private static let made: Result<String, Error> = Result {
        removeLeftovers()
        let path = NSTemporaryDirectory() + prefix + "\(owner)"
        // A directory of an earlier process with this pid (pids are reused) holds nothing of ours.
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        // Held until the process ends: the descriptor is never closed (and not inherited by exec).
        let held = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard held >= 0, flock(held, LOCK_EX | LOCK_NB) == 0 else {
            throw FakeCertificates.Failure(description: "cannot lock \(path): \(String(cString: strerror(errno)))")
        }
        atexit {
            guard getpid() == FakeRunDirectory.owner else { return }
            try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + FakeRunDirectory.prefix + "\(FakeRunDirectory.owner)")
        }
        return path
    }

    /// The directory, made on first use.
    public static func path() throws -> String {
        try made.get()
    }

    /// A new, empty directory inside it, named `stem-N` (N unique in this process).
    public static func subdirectory(_ stem: String) throws -> String {
        let path = try path() + "/\(stem)-\(counter.next())"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private static let counter = Counter()

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int { lock.withLock { value += 1; return value } }
    }

    /// Removes the directories no live process holds. One younger than a
    /// minute is left alone: its process may not have locked it yet.
    static func removeLeftovers() {
        let temporary = NSTemporaryDirectory()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: temporary) else { return }
        for name in names where name.hasPrefix(prefix) && name != prefix + "\(owner)" {
            let path = temporary + name
            guard let made = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                  made < Date().addingTimeInterval(-60) else { continue }
            let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            defer { close(descriptor) }
            // Taken only when its owner is gone (another user's directory cannot be removed anyway).
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }
}
