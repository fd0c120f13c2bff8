import Foundation
import ProcessHarness

/// A `porthole serve` on a free loopback port, with its own state directory and
/// token file, for the command line to talk to. Stopped by pid in `stop()`.
final class CLIServer {
    let server: PortholeServe
    let directory: URL
    let tokenFile: URL
    var url: String { server.url }

    /// `functionsYAML`: serve these functions (their `code` relative to the test's
    /// directory, written by `files` first) instead of the demo ones.
    init(functionsYAML: String? = nil, files: [String: String] = [:]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-cli-\(getpid())-\(UUID().uuidString.prefix(8))")
        tokenFile = directory.appendingPathComponent("token")
        let state = directory.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        guard FileManager.default.isExecutableFile(atPath: CLIRun.binary.path) else { throw CLIRun.MissingBinary() }
        var arguments: [String] = []
        if let functionsYAML {
            for (path, text) in files {
                let file = directory.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try text.write(to: file, atomically: true, encoding: .utf8)
            }
            let spec = directory.appendingPathComponent("functions.yaml")
            try functionsYAML.write(to: spec, atomically: true, encoding: .utf8)
            arguments = ["--config", spec.path]
        }
        server = try PortholeServe(
            binary: CLIRun.binary, tokenFile: tokenFile, arguments: arguments, environment: ["PORTHOLE_STATE_DIR": state.path], timeout: 60)
    }

    /// A function's `server.py` for specs that only need their instances to
    /// start and answer: every GET and POST (an invocation) gets "ok".
    static let answeringServer = """
        import os
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        class H(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header('Content-Length', '2')
                self.end_headers()
                self.wfile.write(b'ok')
            do_POST = do_GET
            def log_message(self, *a): pass
        ThreadingHTTPServer(('127.0.0.1', int(os.environ['PORT'])), H).serve_forever()
        """

    /// `porthole SUBCOMMAND --server URL --token-file FILE REST…` (before any `--`).
    func cli(_ arguments: [String], timeout: TimeInterval = 60) throws -> CLIRun {
        let connection = ["--server", url, "--token-file", tokenFile.path]
        return try CLIRun.run(Array(arguments.prefix(1)) + connection + arguments.dropFirst(), environment: isolation, timeout: timeout)
    }

    /// Config and state of the test, not of whoever runs it.
    var isolation: [String: String] {
        ["XDG_CONFIG_HOME": directory.appendingPathComponent("config").path,
         "PORTHOLE_STATE_DIR": directory.appendingPathComponent("client-state").path]
    }

    /// Polls `instances FUNCTION -o json` until a Running instance shows up; returns its id.
    func runningInstance(of function: String) throws -> String {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let run = try cli(["instances", function, "-o", "json"])
            guard run.status == 0 else { throw NoInstance(function: function, why: "\(run)") }
            let instances = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
            let list = instances?["instances"] as? [[String: Any]] ?? []
            if let id = list.first(where: { $0["status"] as? String == "Running" })?["instanceId"] as? String { return id }
            usleep(200_000)
        }
        throw NoInstance(function: function, why: "none within 60 s")
    }

    struct NoInstance: Error, CustomStringConvertible {
        let function: String
        let why: String
        var description: String { "no Running instance of \(function): \(why)" }
    }

    func stop() {
        server.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A loopback port nobody listens on (`serve --listen` wants a real port, not 0).
    static func freePort() throws -> Int { try PortholeServe.freePort() }
}
