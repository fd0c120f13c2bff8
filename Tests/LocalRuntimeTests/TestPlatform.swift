import ExecCore
import Foundation
import LocalRuntime
import NIOConcurrencyHelpers
import Platform
import XCTest

/// A real embedded platform for one test: a temp state directory, a spec file
/// written on the spot, real instance processes, a loopback API server.
final class TestPlatform: Sendable {
    let embedded: EmbeddedPlatform
    let backend: PortholeServerBackend
    let directory: URL

    static let serverScript = """
        import os
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        import time
        class H(BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(n).decode() if n else ''
                if body.startswith('sleep '):
                    time.sleep(float(body.split()[1]))
                if body.startswith('burn '):
                    end = time.monotonic() + float(body.split()[1])
                    while time.monotonic() < end:
                        sum(i * i for i in range(1000))
                data = (os.environ.get('FC_INSTANCE_ID', '?') + ' ' + body).encode()
                self.send_response(200)
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            do_GET = do_POST
            def log_message(self, *a): pass
        ThreadingHTTPServer(('127.0.0.1', int(os.environ['PORT'])), H).serve_forever()
        """

    /// `functionsYAML` lists functions whose `code` is `./fn` (a dir holding `server.py`).
    init(functionsYAML: String, isolation: Isolation? = .process, limits: APILimits = APILimits(),
         configure: (inout LocalPlatform.Options) -> Void = { _ in }) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-test-\(UUID().uuidString.prefix(8))")
        let code = directory.appendingPathComponent("fn")
        try FileManager.default.createDirectory(at: code, withIntermediateDirectories: true)
        try Self.serverScript.write(to: code.appendingPathComponent("server.py"), atomically: true, encoding: .utf8)
        let specFile = directory.appendingPathComponent("functions.yaml")
        try functionsYAML.write(to: specFile, atomically: true, encoding: .utf8)
        var options = LocalPlatform.Options(
            isolation: isolation, stateDirectory: StateDirectory(url: directory.appendingPathComponent("state")))
        options.stopGrace = 1
        options.slotWait = 2
        configure(&options)
        // Shells in the instances get a HOME of their own: an interactive one writes
        // ~/.bash_history when it ends, which must not be the user's.
        let home = directory.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let specs = try SpecLoader.load(file: specFile).map { spec in
            var spec = spec
            if spec.environmentVariables["HOME"] == nil { spec.environmentVariables["HOME"] = home.path }
            return spec
        }
        embedded = try await EmbeddedPlatform.start(specs: specs, options: options, limits: limits)
        backend = embedded.backend()
    }

    static func simple(name: String = "fn", extra: String = "", isolation: Isolation? = .process, limits: APILimits = APILimits(),
                       configure: (inout LocalPlatform.Options) -> Void = { _ in }) async throws -> TestPlatform {
        try await TestPlatform(functionsYAML: """
            functions:
              - functionName: \(name)
                code: ./fn
                customRuntimeConfig: {command: [python3, server.py]}
                environmentVariables: {GREETING: hi there, EMPTY_ONE: ""}
                provisioned: 1
            \(extra)
            """, isolation: isolation, limits: limits, configure: configure)
    }

    func shutdown() async {
        await embedded.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Waits (bounded) until `function` has `count` running instances; returns them.
    @discardableResult
    func waitForRunning(_ function: String, count: Int = 1, timeout: TimeInterval = 20) async throws -> [Instance] {
        var last: [Instance] = []
        try await poll(timeout: timeout, "\(count) running instance(s) of \(function); saw \(last.map { "\($0.instanceId) \($0.status)" })") {
            last = try await self.backend.listInstances(function: function).filter { $0.status == .running }
            return last.count >= count
        }
        return last
    }

    /// Runs one command in an instance and collects everything.
    func exec(_ instance: Instance, _ command: [String], tty: Bool = false, stdin: [UInt8]? = nil, idleTimeout: Int? = nil) async throws -> ExecResult {
        let output = ExecOutput()
        let session = try await backend.openExec(
            ExecRequest(functionName: instance.functionName, instanceId: instance.instanceId, command: command,
                        stdin: stdin != nil, tty: tty, idleTimeout: idleTimeout),
            handlers: output.handlers)
        if let stdin {
            var offset = 0
            while offset < stdin.count {
                let end = min(offset + 64 * 1024, stdin.count)
                try await session.write(Array(stdin[offset..<end]))
                offset = end
            }
            session.closeStdin()
        }
        let end = await session.wait()
        return ExecResult(stdout: output.stdout, stderr: output.stderr, end: end)
    }
}

struct ExecResult {
    var stdout: [UInt8]
    var stderr: [UInt8]
    var end: ExecEnd
    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// Collects a session's output from the network threads.
final class ExecOutput: Sendable {
    private let state = NIOLockedValueBox<([UInt8], [UInt8])>(([], []))

    var handlers: ExecCallbacks {
        ExecCallbacks(
            onStdout: { bytes in self.state.withLockedValue { $0.0 += bytes } },
            onStderr: { bytes in self.state.withLockedValue { $0.1 += bytes } })
    }

    var stdout: [UInt8] { state.withLockedValue { $0.0 } }
    var stderr: [UInt8] { state.withLockedValue { $0.1 } }
    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}

/// Polls `condition` every 50 ms until it holds or `timeout` passes (then fails the test).
func poll(timeout: TimeInterval, _ what: @autoclosure () -> String, file: StaticString = #filePath, line: UInt = #line, _ condition: () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try await condition() { return }
        try await Task.sleep(nanoseconds: 50_000_000)
    }
    XCTFail("timed out after \(timeout) s waiting for \(what())", file: file, line: line)
    throw CancellationError()
}
