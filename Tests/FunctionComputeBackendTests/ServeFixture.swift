import Foundation
import ProcessHarness
import XCTest

/// A real `porthole serve` (the built binary) on a loopback port, with its own
/// state directory, spec file (`service: fc-demo`), token and access keys:
/// the server Function Compute's SDKs and the fc backend are checked against.
final class ServeFixture: @unchecked Sendable {
    static let portholeBinary = PortholeServe.debugBinary

    static let accessKeyId = "LTAI-porthole-test"
    static let accessKeySecret = "s3cret-of-the-test-key"
    static let stsKeyId = "STS.porthole-temp"
    static let stsSecret = "temp-secret"
    static let stsToken = "CAIS-temporary-token=="
    static let service = "fc-demo"

    let server: PortholeServe
    let directory: URL
    let tokenFile: URL
    var port: Int { server.port }

    var endpoint: String { "http://127.0.0.1:\(port)" }
    var token: String { (try? String(contentsOf: tokenFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "" }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-fc-\(UUID().uuidString.prefix(8))")
        let code = directory.appendingPathComponent("code")
        try FileManager.default.createDirectory(at: code, withIntermediateDirectories: true)
        try Self.server.write(to: code.appendingPathComponent("server.py"), atomically: true, encoding: .utf8)
        let spec = directory.appendingPathComponent("functions.yaml")
        try """
            service: \(Self.service)
            functions:
              - functionName: hello
                code: \(code.path)
                customRuntimeConfig: {command: [python3, server.py], port: 9000}
                instanceConcurrency: 2
                memorySize: 256
                provisioned: 1
                maxInstances: 4
              - functionName: hello-again
                code: \(code.path)
                customRuntimeConfig: {command: [python3, server.py], port: 9000}
                provisioned: 1
                maxInstances: 2
              - functionName: other
                code: \(code.path)
                customRuntimeConfig: {command: [python3, server.py], port: 9000}
                provisioned: 0
                maxInstances: 2
            """.write(to: spec, atomically: true, encoding: .utf8)
        let keys = directory.appendingPathComponent("access-keys")
        FileManager.default.createFile(
            atPath: keys.path,
            contents: Data("\(Self.accessKeyId) \(Self.accessKeySecret)\n\(Self.stsKeyId) \(Self.stsSecret) \(Self.stsToken)\n".utf8),
            attributes: [.posixPermissions: 0o600])
        tokenFile = directory.appendingPathComponent("token")
        server = try PortholeServe(
            tokenFile: tokenFile,
            arguments: ["--config", spec.path, "--access-keys", keys.path, "--isolation", "process"],
            environment: ["PORTHOLE_STATE_DIR": directory.appendingPathComponent("state").path])
    }

    /// Polls `condition` every 100 ms until it holds or `timeout` passes.
    func waitUntil(_ what: String, timeout: TimeInterval = 30, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try? await condition()) == true { return }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        throw Failure("timed out after \(Int(timeout)) s waiting for \(what)")
    }

    func stop() {
        server.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// The functions' code: answers with the body and its instance id.
    static let server = """
        import os
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                data = b"echo:" + body + b" from " + os.environ.get("FC_INSTANCE_ID", "?").encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            do_GET = do_POST
            def log_message(self, *args):
                pass

        ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
        """
}
