import ExecCore
import Foundation
import LocalRuntime
import Platform
import XCTest

/// A real embedded platform with three functions for copy tests: `full` (the
/// host's PATH: tar, sha256sum, tee…), `bare`, whose PATH holds only
/// sh, cat and sha256sum, so the copy script must take its no-tar path, and
/// `notar`, which adds mv, rm and tee (a staged upload without tar, hashed
/// as it is written).
final class TransferTestPlatform {
    let embedded: EmbeddedPlatform
    let backend: PortholeServerBackend
    /// A scratch directory; the instances share this filesystem (process isolation).
    let directory: URL

    static let serverScript = """
        import os
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        class H(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200); self.send_header('Content-Length', '2'); self.end_headers(); self.wfile.write(b'ok')
            def log_message(self, *a): pass
        ThreadingHTTPServer(('127.0.0.1', int(os.environ['PORT'])), H).serve_forever()
        """

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-cp-test-\(UUID().uuidString.prefix(8))")
        let code = directory.appendingPathComponent("fn")
        try FileManager.default.createDirectory(at: code, withIntermediateDirectories: true)
        try Self.serverScript.write(to: code.appendingPathComponent("server.py"), atomically: true, encoding: .utf8)
        let bare = directory.appendingPathComponent("bare-bin")
        try FileManager.default.createDirectory(at: bare, withIntermediateDirectories: true)
        for tool in ["sh", "cat", "sha256sum"] {
            let found = try XCTUnwrap(Self.which(tool), "\(tool) is needed on this machine")
            try FileManager.default.createSymbolicLink(atPath: bare.appendingPathComponent(tool).path, withDestinationPath: found)
        }
        let notar = directory.appendingPathComponent("notar-bin")
        try FileManager.default.createDirectory(at: notar, withIntermediateDirectories: true)
        for tool in ["sh", "cat", "sha256sum", "mv", "rm", "rmdir", "tee"] {
            let found = try XCTUnwrap(Self.which(tool), "\(tool) is needed on this machine")
            try FileManager.default.createSymbolicLink(atPath: notar.appendingPathComponent(tool).path, withDestinationPath: found)
        }
        // The interpreter itself, not a shim: pyenv's shims need a PATH the bare instance does not have.
        let python = try Self.pythonExecutable()
        let specFile = directory.appendingPathComponent("functions.yaml")
        try """
            functions:
              - functionName: full
                code: ./fn
                customRuntimeConfig: {command: [\(python), server.py]}
                provisioned: 1
              - functionName: bare
                code: ./fn
                customRuntimeConfig: {command: [\(python), server.py]}
                environmentVariables: {PATH: "\(bare.path)"}
                provisioned: 1
              - functionName: notar
                code: ./fn
                customRuntimeConfig: {command: [\(python), server.py]}
                environmentVariables: {PATH: "\(notar.path)"}
                provisioned: 1
            """.write(to: specFile, atomically: true, encoding: .utf8)
        var options = LocalPlatform.Options(
            isolation: .process, stateDirectory: StateDirectory(url: directory.appendingPathComponent("state")))
        options.stopGrace = 1
        embedded = try await EmbeddedPlatform.start(specs: SpecLoader.load(file: specFile), options: options)
        backend = embedded.backend()
    }

    func shutdown() async {
        await embedded.shutdown()
        // Copied modes may have made directories read-only.
        _ = try? Process.run(URL(fileURLWithPath: "/bin/chmod"), arguments: ["-R", "u+rwx", directory.path]).waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    /// The running instance of `function`, waiting (bounded) for it.
    func instance(_ function: String, timeout: TimeInterval = 30) async throws -> Instance {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let running = try await backend.listInstances(function: function).first(where: { $0.status == .running }) {
                return running
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        XCTFail("no running instance of \(function) within \(timeout) s")
        throw CancellationError()
    }

    /// A new empty directory under the scratch directory.
    func scratch(_ name: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func pythonExecutable() throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sys; print(sys.executable)"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let path = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return try XCTUnwrap(path.isEmpty ? nil : path, "python3 is needed on this machine")
    }

    static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}
