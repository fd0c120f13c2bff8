import ExecCore
import Foundation
import LocalRuntime
import Platform
import XCTest

/// Issue 11, no orphans: instances die with their server however it dies, a
/// restarted server starts clean, and a stop reaches the function at once
/// (porthole-init forwards SIGTERM; pid 1 of a namespace would ignore it).
final class InitTests: XCTestCase {
    var platform: TestPlatform?
    var servers: [Process] = []

    override func tearDown() async throws {
        await platform?.shutdown()
        for server in servers where server.isRunning {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
    }

    static let isolations: [Isolation] = [.process] + (Isolation.detect() == .namespaces ? [.namespaces] : [])

    /// Starts the built `porthole serve` on `port`; returns it once it says it listens.
    func startServe(port: Int, directory: URL, spec: URL, isolation: Isolation) async throws -> Process {
        let serve = Process()
        serve.executableURL = URL(fileURLWithPath: try ProcessProbe.builtExecutable("porthole"))
        serve.arguments = ["serve", "--config", spec.path, "--listen", "127.0.0.1:\(port)",
                           "--token-file", directory.appendingPathComponent("token").path, "--isolation", isolation.rawValue]
        var environment = ProcessInfo.processInfo.environment
        environment["PORTHOLE_STATE_DIR"] = directory.appendingPathComponent("state").path
        serve.environment = environment
        let output = Pipe()
        serve.standardOutput = output
        serve.standardError = output
        try serve.run()
        servers.append(serve)
        let banner = LineCollector(output.fileHandleForReading)
        try await poll(timeout: 30, "porthole serve to listen; it said: \(banner.text)") {
            if !serve.isRunning { throw ProbeError("porthole serve exited: \(banner.text)") }
            return banner.text.contains("listening on")
        }
        return serve
    }

    func testKillNineOfServeTakesItsInstancesAndFreesThePort() async throws {
        for isolation in Self.isolations {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-kill9-\(UUID().uuidString.prefix(8))")
            defer { try? FileManager.default.removeItem(at: directory) }
            let code = directory.appendingPathComponent("fn")
            try FileManager.default.createDirectory(at: code, withIntermediateDirectories: true)
            try TestPlatform.serverScript.write(to: code.appendingPathComponent("server.py"), atomically: true, encoding: .utf8)
            let spec = directory.appendingPathComponent("functions.yaml")
            try """
                functions:
                  - functionName: a
                    code: ./fn
                    customRuntimeConfig: {command: [sh, -c, "sleep 300 & exec python3 server.py"]}
                    provisioned: 2
                """.write(to: spec, atomically: true, encoding: .utf8)
            let port = try ProcessProbe.freePort()
            let first = try await startServe(port: port, directory: directory, spec: spec, isolation: isolation)
            let token = try AccessToken.loadOrCreate(at: directory.appendingPathComponent("token"))
            let backend = PortholeServerBackend(host: "127.0.0.1", port: port, token: token, displayName: "kill9")
            try await poll(timeout: 30, "two running instances") {
                try await backend.listInstances(function: "a").filter { $0.status == .running }.count == 2
            }
            // Something exec'd that would outlive the server too.
            let instance = try await backend.listInstances(function: "a")[0]
            let session = try await backend.openExec(
                ExecRequest(functionName: "a", instanceId: instance.instanceId, command: ["sleep", "300"], stdin: false),
                handlers: ExecOutput().handlers)
            var descendants: [Int32] = []
            try await poll(timeout: 10, "two servers and three sleeps (the exec'd one too) under the server") {
                descendants = ProcessProbe.descendants(of: first.processIdentifier)
                return ProcessProbe.count(descendants, running: ["sleep", "300"]) >= 3
                    && ProcessProbe.count(descendants, running: ["python3", "server.py"]) >= 2
            }
            kill(first.processIdentifier, SIGKILL)
            first.waitUntilExit()
            _ = session
            try await poll(timeout: 10, "every process of the killed server gone (\(isolation)); left: \(descendants.filter(ProcessProbe.isAlive))") {
                descendants.allSatisfy { !ProcessProbe.isAlive($0) }
            }
            // A new server binds the same port and starts clean.
            let second = try await startServe(port: port, directory: directory, spec: spec, isolation: isolation)
            try await poll(timeout: 30, "two running instances on the restarted server") {
                try await backend.listInstances(function: "a").filter { $0.status == .running }.count == 2
            }
            let all = try await backend.listInstances(function: nil)
            XCTAssertFalse(all.contains { $0.instanceId == instance.instanceId }, "the new server knows nothing of the old one's instances")
            let secondTree = ProcessProbe.descendants(of: second.processIdentifier)
            kill(second.processIdentifier, SIGTERM)
            second.waitUntilExit()
            try await poll(timeout: 10, "the restarted server's processes gone after SIGTERM") {
                secondTree.allSatisfy { !ProcessProbe.isAlive($0) }
            }
        }
    }

    func testStopIsFastAndLeavesNothing() async throws {
        for isolation in Self.isolations {
            let p = try await TestPlatform(functionsYAML: """
                functions:
                  - functionName: a
                    code: ./fn
                    customRuntimeConfig: {command: [python3, server.py]}
                    provisioned: 3
                """, isolation: isolation) { $0.stopGrace = 3 }
            platform = p
            let instances = try await p.waitForRunning("a", count: 3)
            let session = try await p.backend.openExec(
                ExecRequest(functionName: "a", instanceId: instances[0].instanceId, command: ["sh"], tty: true),
                handlers: ExecOutput().handlers)
            _ = session
            var tree: [Int32] = []
            try await poll(timeout: 10, "\(isolation): three servers and the session's shell; saw \(tree.map(ProcessProbe.commandLine))") {
                tree = ProcessProbe.descendants(of: getpid())
                return ProcessProbe.count(tree, running: ["python3", "server.py"]) == 3 && ProcessProbe.count(tree, running: ["sh"]) == 1
            }
            let started = Date()
            p.embedded.platform.shutdown()
            let elapsed = Date().timeIntervalSince(started)
            print("shutdown of 3 instances and a tty session (\(isolation.rawValue)): \(Int(elapsed * 1000)) ms")
            XCTAssertLessThan(elapsed, 0.9, "\(isolation): shutdown took \(elapsed) s; SIGTERM must reach the functions at once")
            try await poll(timeout: 5, "\(isolation): no process left: \(tree.filter(ProcessProbe.isAlive))") {
                tree.allSatisfy { !ProcessProbe.isAlive($0) }
            }
            await p.shutdown()
            platform = nil
        }
    }

    func testFunctionSeesSIGTERMAndExitsCleanly() async throws {
        let isolation = Self.isolations.last!
        let p = try await TestPlatform(functionsYAML: """
            functions:
              - functionName: graceful
                code: ./fn
                customRuntimeConfig:
                  command: [sh, -c, "trap 'echo got-term > term-$FC_INSTANCE_ID.txt; kill $child; exit 0' TERM; python3 server.py & child=$!; wait"]
                provisioned: 1
            """, isolation: isolation) { $0.stopGrace = 5 }
        platform = p
        let instance = try await p.waitForRunning("graceful")[0]
        try await p.backend.setProvisioned(function: "graceful", target: 0)
        try await poll(timeout: 3, "the instance released within 3 s (grace is 5 s)") {
            try await p.backend.listInstances(function: "graceful").first { $0.instanceId == instance.instanceId }?.status == .released
        }
        let marker = p.directory.appendingPathComponent("fn/term-\(instance.instanceId).txt")
        XCTAssertEqual(try String(contentsOf: marker, encoding: .utf8), "got-term\n", "the function's own SIGTERM handler ran")
        let detail = try await p.backend.describeInstance(function: "graceful", id: instance.instanceId)
        XCTAssertTrue(detail.events.contains { $0.message.contains("exited with code 0") }, "\(detail.events.map(\.message))")
    }
}

/// Gathers what a child process prints, from a background reader.
final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var collected = Data()

    init(_ handle: FileHandle) {
        handle.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil; return }
            self?.lock.lock()
            self?.collected.append(data)
            self?.lock.unlock()
        }
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: collected, as: UTF8.self)
    }
}
