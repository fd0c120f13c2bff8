import Crypto
import ExecCore
import FileTransfer
import Foundation
import Platform
import XCTest

/// `porthole cp`'s engine against a real local platform: byte-exact round
/// trips both ways, through tar and through the sh+cat path, to and from
/// pipes, and a copy cut short by killing the instance.
final class CopyRoundTripTests: XCTestCase {
    var platform: TransferTestPlatform!

    override func setUp() async throws {
        platform = try await TransferTestPlatform()
    }

    override func tearDown() async throws {
        await platform?.shutdown()
        platform = nil
    }

    // MARK: Fixtures

    /// 64 MiB from /dev/urandom, mode 0640.
    func bigFile(in directory: URL, name: String = "big.bin", size: Int = 64 << 20) throws -> URL {
        let url = directory.appendingPathComponent(name)
        let source = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/dev/urandom"))
        defer { try? source.close() }
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let out = try FileHandle(forWritingTo: url)
        defer { try? out.close() }
        var left = size
        while left > 0 {
            let chunk = try XCTUnwrap(try source.read(upToCount: min(left, 4 << 20)))
            try out.write(contentsOf: chunk)
            left -= chunk.count
        }
        chmod(url.path, 0o640)
        return url
    }

    /// Spaces, a newline, UTF-8, a symlink, an empty directory, a name and a
    /// path over 100 bytes, unusual modes, a read-only directory with a file.
    func oddTree(in directory: URL) throws -> URL {
        let root = directory.appendingPathComponent("odd tree")
        let fm = FileManager.default
        func file(_ path: String, _ text: String, mode: mode_t = 0o644) throws {
            let url = root.appendingPathComponent(path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
            chmod(url.path, mode)
        }
        try file("with space/inner file.txt", "spaces\n")
        try file("new\nline", "a newline in the name\n", mode: 0o600)
        try file("ünïcødé-名前.txt", "utf-8\n")
        try file("run.sh", "#!/bin/sh\necho hi\n", mode: 0o751)
        let long = String(repeating: "d", count: 90) + "/" + String(repeating: "e", count: 60)
        try file(long + "/" + String(repeating: "f", count: 120), "deep and long\n")
        try file("locked/kept.txt", "in a read-only directory\n")
        try fm.createDirectory(at: root.appendingPathComponent("empty dir"), withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("link to space").path, withDestinationPath: "with space/inner file.txt")
        chmod(root.appendingPathComponent("with space").path, 0o750)
        chmod(root.appendingPathComponent("locked").path, 0o555)
        return root
    }

    func copy(_ from: CopyOperand, _ to: CopyOperand, options: TransferOptions = TransferOptions()) async throws -> TransferReport {
        try await FileTransfer.copy(from: from, to: to, backend: platform.backend, options: options)
    }

    func leftovers(in directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".porthole-cp") || $0.hasSuffix(".partial") }
    }

    // MARK: Round trips

    func testBigFileBothWaysWithTar() async throws {
        try await bigFileRoundTrip(function: "full", expectedMode: .tar, size: 64 << 20)
    }

    /// 16 MiB: the same code moves the bytes; in a debug build NIO masks and
    /// unmasks client frames byte by byte on both ends (≈1 MB/s), so a second
    /// 64 MiB upload would add a minute. Downloads are unmasked and fast.
    func testBigFileBothWaysWithoutTar() async throws {
        try await bigFileRoundTrip(function: "bare", expectedMode: .cat, size: 16 << 20)
    }

    /// No tar but tee: the upload is hashed as it is written, not read back.
    func testFileBothWaysWithoutTarHashedAsWritten() async throws {
        try await bigFileRoundTrip(function: "notar", expectedMode: .cat, size: 4 << 20)
    }

    func testBigDownloadWithoutTar() async throws {
        let instance = try await platform.instance("bare")
        let remote = try platform.scratch("remote")
        let back = try platform.scratch("back")
        let source = try bigFile(in: remote)
        let notes = NoteLog()
        let down = try await copy(.remote(instance: instance.instanceId, path: source.path), .local(back.path),
                                  options: TransferOptions(onNote: notes.add))
        XCTAssertEqual(down.mode, .cat)
        XCTAssertEqual(down.verification, .sha256(try TreeSnapshot.sha256(ofFile: source.path)))
        XCTAssertEqual(try TreeSnapshot.sha256(ofFile: back.appendingPathComponent("big.bin").path),
                       try TreeSnapshot.sha256(ofFile: source.path))
        XCTAssertEqual(notes.all.filter { $0.contains("no tar") }.count, 1, "one line says it fell back: \(notes.all)")
    }

    func bigFileRoundTrip(function: String, expectedMode: TransferMode, size: Int) async throws {
        let instance = try await platform.instance(function)
        let local = try platform.scratch("local")
        let remote = try platform.scratch("remote")
        let back = try platform.scratch("back")
        let source = try bigFile(in: local, size: size)
        let want = try TreeSnapshot.sha256(ofFile: source.path)
        let notes = NoteLog()

        let up = try await copy(.local(source.path), .remote(instance: instance.instanceId, path: remote.path),
                                options: TransferOptions(onNote: notes.add))
        XCTAssertEqual(up.mode, expectedMode)
        if expectedMode == .cat {
            XCTAssertEqual(up.verification, .sha256(want), "cat streams the file itself: the hash is the file's")
        } else {
            guard case .sha256 = up.verification else { return XCTFail("\(up.verification)") }
        }
        let landed = remote.appendingPathComponent("big.bin")
        XCTAssertEqual(try TreeSnapshot.sha256(ofFile: landed.path), want)
        if expectedMode == .tar { XCTAssertEqual(try mode(of: landed), 0o640, "tar keeps the mode") }
        XCTAssertEqual(try leftovers(in: remote), [])

        let down = try await copy(.remote(instance: instance.instanceId, path: landed.path), .local(back.path + "/copy.bin"),
                                  options: TransferOptions(onNote: notes.add))
        // A single file always comes down raw (cat), hashed from disk in the instance.
        XCTAssertEqual(down.mode, .cat)
        XCTAssertEqual(down.verification, .sha256(want))
        XCTAssertEqual(try TreeSnapshot.sha256(ofFile: back.appendingPathComponent("copy.bin").path), want)
        XCTAssertEqual(try leftovers(in: back), [])
        if expectedMode == .cat {
            XCTAssertTrue(notes.all.contains { $0.contains("no tar") }, "the fallback is reported: \(notes.all)")
        } else {
            XCTAssertEqual(try mode(of: back.appendingPathComponent("copy.bin")), 0o640, "the mode comes from ls -ln")
            XCTAssertFalse(notes.all.contains { $0.contains("no tar") }, "\(notes.all)")
        }
    }

    func mode(of url: URL) throws -> mode_t {
        var info = stat()
        XCTAssertEqual(lstat(url.path, &info), 0)
        return info.st_mode & 0o7777
    }

    func testOddTreeBothWaysWithTar() async throws {
        let instance = try await platform.instance("full")
        let local = try platform.scratch("local")
        let remote = try platform.scratch("remote")
        let back = try platform.scratch("back")
        let tree = try oddTree(in: local)
        let want = try TreeSnapshot(tree)

        let up = try await copy(.local(tree.path), .remote(instance: instance.instanceId, path: remote.path))
        XCTAssertEqual(up.mode, .tar)
        XCTAssertEqual(up.files, 6)
        let landed = remote.appendingPathComponent("odd tree")
        XCTAssertEqual(try TreeSnapshot(landed), want, "upload")
        XCTAssertEqual(try leftovers(in: remote), [])

        // Into an existing directory: the copy is named after the source, as cp does.
        let down = try await copy(.remote(instance: instance.instanceId, path: landed.path), .local(back.path))
        XCTAssertEqual(down.files, 6)
        guard case .sha256 = down.verification else { return XCTFail("\(down.verification)") }
        XCTAssertEqual(try TreeSnapshot(back.appendingPathComponent("odd tree")), want, "download")
        XCTAssertEqual(try leftovers(in: back), [])

        // A second download onto the same name refuses rather than mixing trees.
        do {
            _ = try await copy(.remote(instance: instance.instanceId, path: landed.path), .local(back.path))
            XCTFail("copied over an existing directory")
        } catch let error as TransferError {
            XCTAssertTrue(error.description.contains("already exists"), error.description)
        }
    }

    func testDirectoryWithoutTarSaysWhatToDo() async throws {
        let instance = try await platform.instance("bare")
        let local = try platform.scratch("local")
        let tree = try oddTree(in: local)
        do {
            _ = try await copy(.remote(instance: instance.instanceId, path: tree.path), .local(local.path + "/again"))
            XCTFail("a directory copied without tar")
        } catch let error as TransferError {
            guard case .directoryNeedsTar = error else { return XCTFail("\(error)") }
            XCTAssertTrue(error.description.contains("no tar"), error.description)
        }
        XCTAssertEqual(try leftovers(in: local), [])
    }

    // MARK: stdin and stdout

    func testStandardStreamsBothWays() async throws {
        for function in ["full", "bare"] {
            let instance = try await platform.instance(function)
            let remote = try platform.scratch("remote-\(function)")
            let data = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
            let want = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()

            // Upload from a pipe standing in for stdin.
            let input = try Pipe.feeding(data)
            var options = TransferOptions()
            options.standardInput = input.fileHandleForReading.fileDescriptor
            let target = remote.appendingPathComponent("from-stdin")
            let up = try await copy(.standardStream, .remote(instance: instance.instanceId, path: target.path), options: options)
            XCTAssertEqual(up.mode, .cat, "stdin has no size up front: always the cat path")
            XCTAssertEqual(try TreeSnapshot.sha256(ofFile: target.path), want, function)

            // Download to a pipe standing in for stdout.
            let output = Pipe.closedOnExec()
            let collected = PipeCollector(output.fileHandleForReading)
            options = TransferOptions()
            options.standardOutput = output.fileHandleForWriting.fileDescriptor
            let down = try await copy(.remote(instance: instance.instanceId, path: target.path), .standardStream, options: options)
            try output.fileHandleForWriting.close()
            XCTAssertEqual(collected.wait(), want, function)
            XCTAssertEqual(down.destination, "-")
        }
    }

    // MARK: Errors

    func testMissingPathsSayWhatToDo() async throws {
        let instance = try await platform.instance("full")
        let local = try platform.scratch("local")
        do {
            _ = try await copy(.remote(instance: instance.instanceId, path: "/no/such/file"), .local(local.path))
            XCTFail("copied a missing file")
        } catch let error as TransferError {
            guard case .remoteNotFound = error else { return XCTFail("\(error)") }
            XCTAssertTrue(error.description.contains("porthole exec"), error.description)
        }
        do {
            _ = try await copy(.local(local.path + "/nothing-here"), .remote(instance: instance.instanceId, path: "/tmp"))
            XCTFail("uploaded a missing file")
        } catch let error as TransferError {
            XCTAssertTrue(error.description.contains("no such file"), error.description)
        }
        do {
            _ = try await copy(.local(local.path), .remote(instance: "c-nosuch", path: "/tmp"))
            XCTFail("found a missing instance")
        } catch {
            XCTAssertTrue("\(error)".contains("porthole instances"), "\(error)")
        }
        XCTAssertEqual(try leftovers(in: local), [])
    }

    // MARK: Interrupted

    func testKilledInstanceLeavesNoPartialFile() async throws {
        try await interruptedDownload(keepPartial: false)
    }

    func testKeepPartialKeepsWhatArrived() async throws {
        try await interruptedDownload(keepPartial: true)
    }

    func interruptedDownload(keepPartial: Bool) async throws {
        let instance = try await platform.instance("full")
        let remote = try platform.scratch("remote")
        let local = try platform.scratch("local")
        let source = try bigFile(in: remote)
        let detail = try await platform.backend.describeInstance(function: "full", id: instance.instanceId)
        let pid = try XCTUnwrap(detail.facts["pid"].flatMap { Int32($0) })
        // A slow reader (the progress callback runs on the receiving thread) so the
        // kill lands mid-stream; the instance is killed once 4 MiB have arrived.
        let killer = KillOnce(pid: pid, after: 4 << 20)
        var options = TransferOptions(keepPartial: keepPartial, progress: TransferProgress { snapshot, _ in
            killer.check(snapshot.totalBytes)
            usleep(2000)
        })
        options.onNote = { _ in }
        do {
            _ = try await copy(.remote(instance: instance.instanceId, path: source.path), .local(local.path), options: options)
            XCTFail("the copy succeeded although the instance was killed")
        } catch let error as TransferError {
            guard case .instanceGone(_, _, let arrived, let kept) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(killer.fired)
            XCTAssertGreaterThan(arrived, 0)
            XCTAssertLessThan(arrived, 64 << 20)
            XCTAssertTrue(error.description.contains("arrived"), error.description)
            let names = try FileManager.default.contentsOfDirectory(atPath: local.path)
            if keepPartial {
                XCTAssertEqual(names, ["big.bin.partial"])
                XCTAssertEqual(kept, local.appendingPathComponent("big.bin.partial").path)
            } else {
                XCTAssertEqual(names, [], "nothing is left behind")
                XCTAssertNil(kept)
            }
        }
    }
}

/// Kills a process the first time a count passes a threshold.
final class KillOnce: @unchecked Sendable {
    private let lock = NSLock()
    private let pid: Int32
    private let threshold: Int64
    private var done = false

    init(pid: Int32, after threshold: Int64) {
        self.pid = pid
        self.threshold = threshold
    }

    func check(_ count: Int64) {
        lock.lock()
        defer { lock.unlock() }
        guard !done, count >= threshold else { return }
        done = true
        kill(pid, SIGKILL)
    }

    var fired: Bool { lock.lock(); defer { lock.unlock() }; return done }
}

/// Notes a copy reported, collected from any thread.
final class NoteLog: @unchecked Sendable {
    private let lock = NSLock()
    private var notes: [String] = []
    func add(_ note: String) { lock.lock(); notes.append(note); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return notes }
}

/// Reads a pipe to its end on a thread of its own, hashing what comes.
final class PipeCollector: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var digest = ""

    init(_ handle: FileHandle) {
        Thread {
            var hasher = SHA256()
            while let chunk = try? handle.read(upToCount: 1 << 16), !chunk.isEmpty { hasher.update(data: chunk) }
            self.digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
            self.done.signal()
        }.start()
    }

    /// The SHA-256 of everything, once the writer closed (bounded wait).
    func wait() -> String {
        _ = done.wait(timeout: .now() + 60)
        return digest
    }
}

extension Pipe {
    /// A pipe whose ends the instances this process spawns do not inherit
    /// (the platform runs in the test process): else EOF never comes.
    static func closedOnExec() -> Pipe {
        let pipe = Pipe()
        _ = fcntl(pipe.fileHandleForReading.fileDescriptor, F_SETFD, FD_CLOEXEC)
        _ = fcntl(pipe.fileHandleForWriting.fileDescriptor, F_SETFD, FD_CLOEXEC)
        return pipe
    }

    /// A pipe whose reading end yields `data` and then end-of-file (written on a thread).
    static func feeding(_ data: [UInt8]) throws -> Pipe {
        let pipe = Pipe.closedOnExec()
        let writer = pipe.fileHandleForWriting
        Thread {
            try? writer.write(contentsOf: Data(data))
            try? writer.close()
        }.start()
        return pipe
    }
}
