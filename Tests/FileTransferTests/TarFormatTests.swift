import Foundation
import XCTest

@testable import FileTransfer

/// The Swift tar reader and writer on their own, and against the system's
/// GNU tar both ways (long names, PAX headers, modes, links).
final class TarFormatTests: XCTestCase {
    var directory: URL!

    override func setUp() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-tar-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        _ = try? Process.run(URL(fileURLWithPath: "/bin/chmod"), arguments: ["-R", "u+rwx", directory.path]).waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A tree with the names and types a copy must survive.
    func makeTree() throws -> URL {
        let root = directory.appendingPathComponent("src")
        let long = String(repeating: "n", count: 90) + "/" + String(repeating: "m", count: 70)
        for (path, mode) in [("a file", 0o644), ("new\nline", 0o600), ("ü名", 0o755), (long + "/" + String(repeating: "x", count: 130), 0o640)] {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("contents of \(path)\n".utf8).write(to: url)
            chmod(url.path, mode_t(mode))
        }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("empty"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("link").path, withDestinationPath: String(repeating: "t", count: 140))
        return root
    }

    /// The archive TarWriter makes of `source`.
    func archive(_ source: URL) async throws -> [UInt8] {
        let collected = Collected()
        let writer = TarWriter(progress: nil) { collected.bytes += $0 }
        try await writer.write(LocalPath(source.path), as: TarExtractor.payloadName)
        try await writer.finish()
        return collected.bytes
    }

    /// Extracts `bytes` fed in odd-sized pieces; returns `staging/payload`.
    func extract(_ bytes: [UInt8], piece: Int = 777) throws -> URL {
        let staging = directory.appendingPathComponent("staging-\(UUID().uuidString.prefix(4))")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        let extractor = TarExtractor(staging: LocalPath(staging.path), progress: nil)
        let reader = TarReader(sink: extractor)
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let end = min(offset + piece, raw.count)
                try reader.feed(UnsafeRawBufferPointer(rebasing: raw[offset..<end]))
                offset = end
            }
        }
        try reader.finish()
        extractor.finish()
        return staging.appendingPathComponent("payload")
    }

    func testWriterAndReaderRoundTrip() async throws {
        let source = try makeTree()
        let copy = try extract(try await archive(source))
        XCTAssertEqual(try TreeSnapshot(copy), try TreeSnapshot(source))
    }

    func testGNUTarReadsWhatWeWrite() async throws {
        let source = try makeTree()
        let file = directory.appendingPathComponent("ours.tar")
        try Data(try await archive(source)).write(to: file)
        let out = directory.appendingPathComponent("gnu-out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try run(["tar", "-C", out.path, "-xpf", file.path])
        XCTAssertEqual(try TreeSnapshot(out.appendingPathComponent("payload")), try TreeSnapshot(source))
    }

    func testWeReadGNUAndPAXArchives() throws {
        let source = try makeTree()
        for format in ["gnu", "pax"] {
            let file = directory.appendingPathComponent("\(format).tar")
            // The copy script archives `./NAME`, as here.
            try run(["tar", "--format=\(format)", "-C", directory.path, "-cf", file.path, "./src"])
            let copy = try extract(Array(try Data(contentsOf: file)), piece: 4096 + 13)
            XCTAssertEqual(try TreeSnapshot(copy), try TreeSnapshot(source), format)
        }
    }

    func testHostileNamesAreRefused() throws {
        for name in ["../escape", "./x/../../escape", "/etc/passwd"] {
            let header = TarHeader(name: Array(name.utf8), mode: 0o644, size: 0, mtime: 0, typeFlag: TarHeader.Kind.file.rawValue)
            let stream = header.encoded() + [UInt8](repeating: 0, count: 1024)
            XCTAssertThrowsError(try extract(stream), name) { error in
                XCTAssertTrue("\(error)".contains("malformed tar stream"), "\(error)")
            }
        }
    }

    func testCorruptHeaderIsAnError() throws {
        var block = TarHeader(name: Array("./f".utf8), mode: 0o644, size: 0, mtime: 0, typeFlag: 0x30).encoded()
        block[10] ^= 0xFF
        XCTAssertThrowsError(try extract(block + [UInt8](repeating: 0, count: 1024))) { error in
            XCTAssertTrue("\(error)".contains("checksum"), "\(error)")
        }
    }

    func testOperandsParseLikeKubectl() throws {
        XCTAssertEqual(try CopyOperand.parse("c-1a2b:/tmp/x"), .remote(instance: "c-1a2b", path: "/tmp/x"))
        XCTAssertEqual(try CopyOperand.parse("c-1a2b:rel/x"), .remote(instance: "c-1a2b", path: "rel/x"))
        XCTAssertEqual(try CopyOperand.parse("-"), .standardStream)
        XCTAssertEqual(try CopyOperand.parse("./a:b"), .local("./a:b"))
        XCTAssertEqual(try CopyOperand.parse("dir/a:b"), .local("dir/a:b"))
        XCTAssertEqual(try CopyOperand.parse("/abs"), .local("/abs"))
        XCTAssertEqual(try CopyOperand.parse("plain"), .local("plain"))
        XCTAssertThrowsError(try CopyOperand.parse("c-1a2b:"))
    }

    func testPermissionsFromListing() {
        XCTAssertEqual(ScriptHeader.permissions("-rw-r-----"), 0o640)
        XCTAssertEqual(ScriptHeader.permissions("-rwsr-x--x"), 0o4751)
        XCTAssertEqual(ScriptHeader.permissions("-rwxr-Sr-T"), 0o3744)
        XCTAssertNil(ScriptHeader.permissions("-"))
        XCTAssertEqual(
            ScriptHeader.parse(Array("PORTHOLE-CP 1 raw file 12 sha256 -rwxr-xr-x".utf8)),
            .download(mode: .cat, isDirectory: false, size: 12, hashes: true, permissions: 0o755, fellBack: false))
        XCTAssertEqual(
            ScriptHeader.parse(Array("PORTHOLE-CP 1 cat file - none -".utf8)),
            .download(mode: .cat, isDirectory: false, size: nil, hashes: false, permissions: nil, fellBack: true))
    }

    func run(_ argv: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, argv.joined(separator: " "))
    }
}

/// Bytes gathered by a test's writer callback.
final class Collected: @unchecked Sendable {
    var bytes: [UInt8] = []
}
