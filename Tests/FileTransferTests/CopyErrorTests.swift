import FileTransfer
import Foundation
import Platform
import XCTest

/// The errors a user of `porthole cp` meets, each against real parts: a
/// missing path either way, permission denied either way, a full disk here
/// and in the instance (a real 1 MiB tmpfs, mounted when the tests may
/// mount, as root in CI does), the instance released by the platform
/// mid-transfer, and that each says what to do and leaves nothing behind.
/// (An instance killed mid-transfer: `CopyRoundTripTests`.)
final class CopyErrorTests: XCTestCase {
    var platform: TransferTestPlatform!
    /// tmpfs mounts to undo, also when a test fails.
    var mounts: [URL] = []

    override func setUp() async throws {
        platform = try await TransferTestPlatform()
    }

    override func tearDown() async throws {
        for mount in mounts.reversed() { _ = Self.run("/bin/umount", ["-l", mount.path]) }
        mounts = []
        await platform?.shutdown()
        platform = nil
    }

    func copy(_ from: CopyOperand, _ to: CopyOperand) async throws -> TransferReport {
        try await FileTransfer.copy(from: from, to: to, backend: platform.backend, options: TransferOptions())
    }

    /// Runs `body`, which must throw a `TransferError`; returns it.
    func transferError(_ what: String, _ body: () async throws -> TransferReport) async -> TransferError? {
        do {
            _ = try await body()
            XCTFail("\(what): the copy succeeded")
        } catch let error as TransferError {
            return error
        } catch {
            XCTFail("\(what): not a TransferError: \(error)")
        }
        return nil
    }

    func entries(_ directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    /// `size` bytes of a repeating pattern.
    func file(in directory: URL, name: String, size: Int) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 >> 3) }).write(to: url)
        return url
    }

    /// A 1 MiB tmpfs at a new directory under the scratch directory, or a skip
    /// that says why (mounting needs root, or CAP_SYS_ADMIN in a container).
    func smallTmpfs(_ name: String, options: String = "size=1m") throws -> URL {
        let point = try platform.scratch(name)
        let result = Self.run("/bin/mount", ["-t", "tmpfs", "-o", options, "porthole-test", point.path])
        guard result.status == 0 else {
            throw XCTSkip("a full disk needs a small tmpfs, and mount refused (uid \(getuid())): \(result.output); CI runs as root and mounts one")
        }
        mounts.append(point)
        return point
    }

    /// A file that cannot be read even by root: a write-only sysfs attribute
    /// (kernfs refuses to open one for reading, whatever the caller's capabilities).
    static func unreadableEvenForRoot() -> String? {
        let candidates = ["/sys/bus/pci/rescan", "/sys/class/zram-control/hot_remove", "/sys/kernel/mm/ksm/run"]
        for path in candidates where FileManager.default.fileExists(atPath: path) {
            let fd = open(path, O_RDONLY)
            if fd >= 0 { close(fd); continue }
            if errno == EACCES { return path }
        }
        return nil
    }

    static func run(_ tool: String, _ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (-1, "\(error)") }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    // MARK: No such path

    func testNoSuchPathEitherWay() async throws {
        let instance = try await platform.instance("full")
        let id = instance.instanceId
        let local = try platform.scratch("local")
        let source = try file(in: local, name: "a.txt", size: 100)

        // Upload into a directory the instance does not have.
        let upload = await transferError("upload") {
            try await self.copy(.local(source.path), .remote(instance: id, path: "/no/such/dir/a.txt"))
        }
        guard case .remoteNotFound(_, let path) = upload else { return XCTFail("\(String(describing: upload))") }
        XCTAssertEqual(path, "/no/such/dir")
        XCTAssertTrue(upload!.description.contains("porthole exec \(id) -- ls -la"), upload!.description)

        // Download into a local directory that does not exist.
        let remote = try platform.scratch("remote")
        let there = try file(in: remote, name: "b.txt", size: 100)
        let download = await transferError("download") {
            try await self.copy(.remote(instance: id, path: there.path), .local(local.path + "/missing/b.txt"))
        }
        guard case .local(_, let code, _) = download else { return XCTFail("\(String(describing: download))") }
        XCTAssertEqual(code, ENOENT)
        XCTAssertTrue(download!.description.contains("check the local path"), download!.description)
        XCTAssertEqual(try entries(local), ["a.txt"], "nothing left behind")
    }

    // MARK: Permission denied

    /// Runs as root too: the instance cannot read a write-only sysfs file, nor
    /// create anything in /proc/1, whoever it runs as.
    func testPermissionDeniedInTheInstance() async throws {
        let instance = try await platform.instance("full")
        let id = instance.instanceId
        let local = try platform.scratch("local")
        if let unreadable = Self.unreadableEvenForRoot() {
            let error = await transferError("download \(unreadable)") {
                try await self.copy(.remote(instance: id, path: unreadable), .local(local.path))
            }
            guard case .remotePermissionDenied = error else { return XCTFail("\(String(describing: error))") }
            XCTAssertTrue(error!.description.contains("permission denied"), error!.description)
            XCTAssertTrue(error!.description.contains("porthole exec \(id) -- id"), error!.description)
            XCTAssertEqual(try entries(local), [], "nothing left behind")
        } else {
            print("CopyErrorTests: no write-only sysfs file here; the unreadable download is tested by testUnreadableFileAsNonRoot only")
        }

        let source = try file(in: local, name: "c.txt", size: 100)
        let upload = await transferError("upload into /proc/1") {
            try await self.copy(.local(source.path), .remote(instance: id, path: "/proc/1/"))
        }
        guard case .remotePermissionDenied(_, let path, _) = upload else { return XCTFail("\(String(describing: upload))") }
        XCTAssertEqual(path, "/proc/1")
        XCTAssertTrue(upload!.description.contains("pick a path its user can access"), upload!.description)
    }

    /// A mode-000 file: root reads it anyway (CAP_DAC_OVERRIDE), so this case
    /// can only be tested as another user; as root the sysfs case above stands in.
    func testUnreadableFileAsNonRoot() async throws {
        guard getuid() != 0 else {
            throw XCTSkip("root reads a mode-000 file; testPermissionDeniedInTheInstance covers root with a sysfs file")
        }
        let instance = try await platform.instance("full")
        let remote = try platform.scratch("remote")
        let local = try platform.scratch("local")
        let secret = try file(in: remote, name: "secret", size: 100)
        chmod(secret.path, 0)
        let error = await transferError("download of a mode-000 file") {
            try await self.copy(.remote(instance: instance.instanceId, path: secret.path), .local(local.path))
        }
        guard case .remotePermissionDenied = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(try entries(local), [])
    }

    /// Reading a local file nobody may read, and writing where this machine
    /// refuses: a read-only mount (works as root; skipped where mount is refused).
    func testPermissionDeniedHere() async throws {
        let instance = try await platform.instance("full")
        let id = instance.instanceId
        let remote = try platform.scratch("remote")
        let there = try file(in: remote, name: "d.txt", size: 100)
        if let unreadable = Self.unreadableEvenForRoot() {
            let upload = await transferError("upload of \(unreadable)") {
                try await self.copy(.local(unreadable), .remote(instance: id, path: remote.path))
            }
            guard case .local(_, let code, _) = upload else { return XCTFail("\(String(describing: upload))") }
            XCTAssertEqual(code, EACCES)
            XCTAssertEqual(try entries(remote), ["d.txt"], "nothing left in the instance")
        }

        let readOnly = try smallTmpfs("read-only", options: "ro,size=1m")
        let download = await transferError("download into a read-only mount") {
            try await self.copy(.remote(instance: id, path: there.path), .local(readOnly.path))
        }
        guard case .local(_, let code, _) = download else { return XCTFail("\(String(describing: download))") }
        XCTAssertEqual(code, EROFS)
        XCTAssertTrue(download!.description.contains("pick a path you can write"), download!.description)
    }

    // MARK: Released

    /// The platform releases the instance (provisioned 1 → 0) while a download
    /// runs: the copy says the instance went away, how much arrived, and keeps nothing.
    func testInstanceReleasedMidTransfer() async throws {
        let instance = try await platform.instance("full")
        let remote = try platform.scratch("remote")
        let local = try platform.scratch("local")
        let big = try file(in: remote, name: "big.bin", size: 16 << 20)
        let backend = platform.backend
        let release = ReleaseOnce(after: 2 << 20) {
            Task { try? await backend.setProvisioned(function: "full", target: 0) }
        }
        // A slow reader (the progress callback runs on the receiving thread), so the release lands mid-stream.
        var options = TransferOptions(progress: TransferProgress { snapshot, _ in
            release.check(snapshot.totalBytes)
            usleep(2000)
        })
        options.onNote = { _ in }
        do {
            _ = try await FileTransfer.copy(
                from: .remote(instance: instance.instanceId, path: big.path), to: .local(local.path),
                backend: backend, options: options)
            XCTFail("the copy succeeded although the instance was released")
        } catch let error as TransferError {
            XCTAssertTrue(release.fired)
            guard case .instanceGone(let id, _, let arrived, nil) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(id, instance.instanceId)
            XCTAssertGreaterThan(arrived, 0)
            XCTAssertLessThan(arrived, 16 << 20)
            XCTAssertTrue(error.description.contains("porthole instances"), error.description)
        }
        XCTAssertEqual(try entries(local), [], "nothing left behind")
    }

    // MARK: Disk full

    func testLocalDiskFull() async throws {
        let instance = try await platform.instance("full")
        let remote = try platform.scratch("remote")
        let big = try file(in: remote, name: "big.bin", size: 3 << 20)
        let full = try smallTmpfs("full-here")
        let error = await transferError("download into 1 MiB") {
            try await self.copy(.remote(instance: instance.instanceId, path: big.path), .local(full.path))
        }
        guard case .local(let path, let code, _) = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(code, ENOSPC)
        XCTAssertEqual(path, full.appendingPathComponent("big.bin").path, "named after the destination, not the staging name")
        XCTAssertTrue(error!.description.contains("the local disk is full"), error!.description)
        XCTAssertEqual(try entries(full), [], "nothing left behind")
    }

    func testInstanceDiskFullWithAndWithoutTar() async throws {
        let local = try platform.scratch("local")
        // Small: a debug build masks upload frames byte by byte.
        let big = try file(in: local, name: "big.bin", size: 3 << 20)
        // `bare` is left out: without mv the file is written in place (reported), and without rm it cannot be removed.
        for function in ["full", "notar"] {
            let instance = try await platform.instance(function)
            let full = try smallTmpfs("full-there-\(function)")
            let error = await transferError("upload into 1 MiB (\(function))") {
                try await self.copy(.local(big.path), .remote(instance: instance.instanceId, path: full.path))
            }
            guard case .remoteDiskFull(let id, _) = error else { return XCTFail("\(function): \(String(describing: error))") }
            XCTAssertTrue(error!.description.contains("porthole exec \(id) -- df -h"), error!.description)
            XCTAssertEqual(try entries(full), [], "\(function): the instance keeps nothing")
        }
    }
}

/// Runs an action the first time a count passes a threshold.
final class ReleaseOnce: @unchecked Sendable {
    private let lock = NSLock()
    private let threshold: Int64
    private let action: @Sendable () -> Void
    private var done = false

    init(after threshold: Int64, _ action: @escaping @Sendable () -> Void) {
        self.threshold = threshold
        self.action = action
    }

    func check(_ count: Int64) {
        lock.lock()
        let now = !done && count >= threshold
        if now { done = true }
        lock.unlock()
        if now { action() }
    }

    var fired: Bool { lock.lock(); defer { lock.unlock() }; return done }
}
