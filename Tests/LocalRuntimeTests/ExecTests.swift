import Crypto
import ExecCore
import Foundation
import LocalRuntime
import NIOConcurrencyHelpers
import Platform
import XCTest

/// Exec end to end: real server, real instance processes, real ptys and pipes.
final class ExecTests: XCTestCase {
    var platform: TestPlatform!
    var instance: Instance!

    override func setUp() async throws {
        platform = try await TestPlatform.simple()
        instance = try await platform.waitForRunning("fn").first
    }

    override func tearDown() async throws {
        await platform?.shutdown()
    }

    func testEnvShowsFunctionVariablesAndInstanceId() async throws {
        let result = try await platform.exec(instance, ["env"])
        XCTAssertEqual(result.end, .exited(code: 0))
        let lines = Set(result.stdoutText.split(separator: "\n").map(String.init))
        XCTAssertTrue(lines.contains("GREETING=hi there"), result.stdoutText)
        XCTAssertTrue(lines.contains("EMPTY_ONE="), result.stdoutText)
        XCTAssertTrue(lines.contains("FC_INSTANCE_ID=\(instance.instanceId)"), result.stdoutText)
        XCTAssertTrue(lines.contains("FC_FUNCTION_NAME=fn"), result.stdoutText)
    }

    func testRunsInTheCodeDirectory() async throws {
        let result = try await platform.exec(instance, ["pwd"])
        XCTAssertEqual(result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines),
                       platform.directory.appendingPathComponent("fn").path)
    }

    func testStreamsStayApartAndExitCodeComesBack() async throws {
        let result = try await platform.exec(instance, ["sh", "-c", "echo out; echo err >&2; exit 7"])
        XCTAssertEqual(result.stdoutText, "out\n")
        XCTAssertEqual(result.stderrText, "err\n")
        XCTAssertEqual(result.end, .exited(code: 7))
        XCTAssertEqual(result.end.exitCode, 7)
    }

    func testSignalIsReportedAs128PlusN() async throws {
        let result = try await platform.exec(instance, ["sh", "-c", "kill -TERM $$"])
        XCTAssertEqual(result.end, .exited(code: 128 + 15))
    }

    func testUnknownCommandIs127CommandNotFound() async throws {
        let result = try await platform.exec(instance, ["no-such-command-xyz"])
        guard case .commandNotFound(let message) = result.end else { return XCTFail("\(result.end)") }
        XCTAssertTrue(message.contains("no-such-command-xyz"), message)
        XCTAssertEqual(result.end.exitCode, 127)
    }

    func testCatEndsAfterStdinEOF() async throws {
        let result = try await platform.exec(instance, ["cat"], stdin: Array("line one\nline two\n".utf8))
        XCTAssertEqual(result.stdoutText, "line one\nline two\n")
        XCTAssertEqual(result.end, .exited(code: 0))
    }

    func testTTYSeesResize() async throws {
        let output = ExecOutput()
        let session = try await platform.backend.openExec(
            ExecRequest(functionName: "fn", instanceId: instance.instanceId, command: ["sh"], tty: true),
            handlers: output.handlers)
        session.resize(cols: 100, rows: 30)
        session.send(Array("stty size\n".utf8))
        try await poll(timeout: 10, "30 100 in \(output.stdoutText)") { output.stdoutText.contains("30 100") }
        session.resize(cols: 132, rows: 43)
        session.send(Array("stty size\n".utf8))
        try await poll(timeout: 10, "43 132 in \(output.stdoutText)") { output.stdoutText.contains("43 132") }
        session.send(Array("exit 3\n".utf8))
        let end = await session.wait()
        XCTAssertEqual(end, .exited(code: 3))
    }

    func testTTYCommandStartsAtTheRequestedSize() async throws {
        // A one-shot command reads its size once, at start (as `ls` lays out columns).
        let output = ExecOutput()
        let session = try await platform.backend.openExec(
            ExecRequest(functionName: "fn", instanceId: instance.instanceId, command: ["stty", "size"], tty: true,
                        terminalSize: TerminalSize(cols: 123, rows: 45)),
            handlers: output.handlers)
        let end = await session.wait()
        XCTAssertEqual(end, .exited(code: 0))
        XCTAssertEqual(output.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines), "45 123")
    }

    func testTTYWithoutASizeStartsAtTheDefault() async throws {
        // A client that never sends a size (FC SDKs, scripts) is not kept waiting for long.
        let output = ExecOutput()
        let started = Date()
        let session = try await platform.backend.openExec(
            ExecRequest(functionName: "fn", instanceId: instance.instanceId, command: ["stty", "size"], tty: true),
            handlers: output.handlers)
        let end = await session.wait()
        XCTAssertEqual(end, .exited(code: 0))
        XCTAssertEqual(output.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines), "24 80")
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
    }

    func testAClientThatStopsReceivingGetsNothingMoreUntilItResumes() async throws {
        let received = NIOLockedValueBox(0)
        let session = try await platform.backend.openExec(
            ExecRequest(functionName: "fn", instanceId: instance.instanceId, command: ["yes", "0123456789abcdef"],
                        stdin: false),
            handlers: ExecCallbacks(onStdout: { bytes in received.withLockedValue { $0 += bytes.count } }, onStderr: { _ in }))
        try await poll(timeout: 10, "output flowing") { received.withLockedValue { $0 } > 1 << 20 }
        session.setReceiving(false)
        try await Task.sleep(nanoseconds: 300_000_000)   // what was being read lands
        let stopped = received.withLockedValue { $0 }
        try await Task.sleep(nanoseconds: 1_000_000_000)
        let later = received.withLockedValue { $0 }
        XCTAssertLessThan(later - stopped, 1 << 20, "output kept coming while receiving was off")
        session.setReceiving(true)
        try await poll(timeout: 10, "output again") { received.withLockedValue { $0 } > later + (1 << 20) }
        session.cancel()
        _ = await session.wait()
    }

    func testCtrlCReachesTheTTYProcess() async throws {
        let output = ExecOutput()
        let session = try await platform.backend.openExec(
            ExecRequest(functionName: "fn", instanceId: instance.instanceId,
                        command: ["sh", "-c", "echo ready; sleep 30; echo not-interrupted"], tty: true),
            handlers: output.handlers)
        try await poll(timeout: 10, "ready") { output.stdoutText.contains("ready") }
        session.send([0x03])
        let end = await session.wait()
        XCTAssertEqual(end, .exited(code: 128 + 2), output.stdoutText)
        XCTAssertFalse(output.stdoutText.contains("not-interrupted"))
    }

    func testLoginShellStarts() async throws {
        let output = ExecOutput()
        let session = try await platform.backend.openExec(
            ExecRequest(functionName: "fn", instanceId: instance.instanceId, command: ExecRequest.loginShell, tty: true),
            handlers: output.handlers)
        session.send(Array("echo id=$FC_INSTANCE_ID\n".utf8))
        try await poll(timeout: 10, "id in \(output.stdoutText)") { output.stdoutText.contains("id=\(self.instance.instanceId)") }
        session.send(Array("exit\n".utf8))
        let end = await session.wait()
        XCTAssertEqual(end, .exited(code: 0))
    }

    func test64MiBOfStdoutArriveByteExact() async throws {
        // 64 MiB of pseudo-random bytes from a fixed seed, produced in the instance.
        let script = "import sys,random; r=random.Random(42); w=sys.stdout.buffer\nfor _ in range(1024): w.write(r.randbytes(65536))"
        let result = try await platform.exec(instance, ["python3", "-c", script])
        XCTAssertEqual(result.end, .exited(code: 0))
        XCTAssertEqual(result.stdout.count, 64 << 20)
        let local = try Self.run(["python3", "-c", script])
        XCTAssertEqual(SHA256.hash(data: result.stdout), SHA256.hash(data: local))
    }

    func test16MiBOfStdinArriveByteExact() async throws {
        // xorshift: cheap, varied bytes (a per-byte system RNG call is slow in debug builds).
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var input = [UInt8](repeating: 0, count: 16 << 20)
        for index in stride(from: 0, to: input.count, by: 8) {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            withUnsafeBytes(of: state) { bytes in
                for offset in 0..<8 { input[index + offset] = bytes[offset] }
            }
        }
        let result = try await platform.exec(instance, ["sha256sum"], stdin: input)
        XCTAssertEqual(result.end, .exited(code: 0))
        let expected = SHA256.hash(data: input).map { String(format: "%02x", $0) }.joined()
        XCTAssertEqual(result.stdoutText.split(separator: " ").first.map(String.init), expected)
    }

    func testIdleTimeoutEndsASilentSession() async throws {
        let started = Date()
        let result = try await platform.exec(instance, ["sleep", "30"], idleTimeout: 1)
        guard case .idleTimeout(let message) = result.end else { return XCTFail("\(result.end)") }
        XCTAssertTrue(message.contains("idle"), message)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    }

    /// The console's keepalive key: empty stdin messages keep a silent session
    /// past its idleTimeout on a real server; when they stop, it closes.
    func testKeepaliveHoldsASilentSessionOpenPastItsIdleTimeout() async throws {
        XCTAssertEqual(platform.backend.execIdleRule, .dataOnly(keepalive: true))
        let ended = NIOLockedValueBox<ExecEnd?>(nil)
        let session = try await platform.backend.openExec(
            ExecRequest(functionName: instance.functionName, instanceId: instance.instanceId, command: ["sleep", "60"],
                        stdin: true, stdout: true, stderr: true, tty: false, idleTimeout: 2),
            handlers: ExecCallbacks(onStdout: { _ in }, onEnd: { end in ended.withLockedValue { $0 = end } }))
        let started = Date()
        while Date().timeIntervalSince(started) < 4 {
            session.keepalive()
            try await Task.sleep(nanoseconds: 500_000_000)
        }
        XCTAssertNil(ended.withLockedValue { $0 }, "4 s of keepalives held a 2 s idleTimeout open")
        // Silent from now: the server ends it within the timeout (generous bound for a loaded machine).
        let end = await session.wait()
        guard case .idleTimeout = end else { return XCTFail("\(end)") }
        XCTAssertLessThan(Date().timeIntervalSince(started), 4 + 10)
    }

    func testUnknownInstanceIs404WithAHint() async throws {
        do {
            _ = try await platform.exec(Instance(instanceId: "c-000000000000", functionName: "fn", status: .running, createdTimeMs: 0), ["true"])
            XCTFail("exec on an unknown instance succeeded")
        } catch let error as PlatformError {
            guard case .notFound(let code, let message) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(code, "InstanceNotFound")
            XCTAssertTrue(message.contains("porthole instances"), message)
        }
    }

    func testNoTokenIs401() async throws {
        let anonymous = PortholeServerBackend(host: platform.embedded.host, port: platform.embedded.port, token: nil)
        do {
            _ = try await anonymous.listFunctions()
            XCTFail("listing without a token succeeded")
        } catch let error as PlatformError {
            guard case .unauthorized = error else { return XCTFail("\(error)") }
        }
        let wrong = PortholeServerBackend(host: platform.embedded.host, port: platform.embedded.port, token: AccessToken(value: "nope"))
        do {
            _ = try await wrong.openExec(ExecRequest(functionName: "fn", instanceId: instance.instanceId, command: ["true"]), handlers: ExecCallbacks(onStdout: { _ in }))
            XCTFail("exec with a wrong token succeeded")
        } catch let error as PlatformError {
            guard case .unauthorized = error else { return XCTFail("\(error)") }
        }
    }

    static func run(_ argv: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }
}
