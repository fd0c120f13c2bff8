import AsyncHTTPClient
import Foundation
import LocalRuntime
import NIOConcurrencyHelpers
import NIOCore
import Platform
import XCTest

/// The logs endpoint (docs/PROTOCOL.md §3) through `PortholeServerBackend.streamLogs`,
/// against real instances whose output lands in their log files.
final class LogsTests: XCTestCase {
    var platform: TestPlatform?

    override func tearDown() async throws {
        await platform?.shutdown()
    }

    /// `lines` prints five lines and serves; `ticker` prints a line every 0.1 s.
    static let functions = """
        functions:
          - functionName: lines
            code: ./fn
            customRuntimeConfig: {command: [sh, -c, "for i in 1 2 3 4 5; do echo line-$i; done; exec python3 server.py"]}
            provisioned: 1
          - functionName: ticker
            code: ./fn
            customRuntimeConfig: {command: [sh, -c, "i=0; (while :; do i=$((i+1)); echo tick-$i; sleep 0.1; done) & exec python3 server.py"]}
            provisioned: 1
        """

    private func start(_ yaml: String = LogsTests.functions, configure: (inout LocalPlatform.Options) -> Void = { _ in }) async throws -> TestPlatform {
        let p = try await TestPlatform(functionsYAML: yaml, configure: configure)
        platform = p
        return p
    }

    /// Everything a stream yields until it ends (bounded).
    private func collect(_ stream: LogStream, timeout: TimeInterval = 20) async throws -> String {
        let bytes = try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
            group.addTask {
                var all: [UInt8] = []
                for try await chunk in stream { all += chunk }
                return all
            }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(timeout * 1e9))
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let bytes else {
            XCTFail("the log stream did not end within \(timeout) s")
            throw CancellationError()
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func testWholeLogAndItsLastLines() async throws {
        let p = try await start()
        let id = try await p.waitForRunning("lines")[0].instanceId
        let all = try await collect(p.backend.streamLogs(LogRequest(function: "lines", instanceId: id)))
        XCTAssertEqual(all, "line-1\nline-2\nline-3\nline-4\nline-5\n")
        let two = try await collect(p.backend.streamLogs(LogRequest(function: "lines", instanceId: id, tailLines: 2)))
        XCTAssertEqual(two, "line-4\nline-5\n")
        let none = try await collect(p.backend.streamLogs(LogRequest(function: "lines", instanceId: id, tailLines: 0)))
        XCTAssertEqual(none, "")
        let more = try await collect(p.backend.streamLogs(LogRequest(function: "lines", instanceId: id, tailLines: 50)))
        XCTAssertEqual(more, all)
    }

    /// Each read of a log is an audit line (a log can hold what a session printed):
    /// who, from where, what, and how it ended — never the log's content.
    func testEveryLogReadIsAudited() async throws {
        let p = try await start()
        let id = try await p.waitForRunning("lines")[0].instanceId
        let ticker = try await p.waitForRunning("ticker")[0].instanceId
        let whole = try await collect(p.backend.streamLogs(LogRequest(function: "lines", instanceId: id, tailLines: 2)))
        do {
            let followed = try await p.backend.streamLogs(LogRequest(function: "ticker", instanceId: ticker, follow: true))
            for try await _ in followed { break }
        }
        let server = p.embedded.platform
        try await poll(timeout: 10, "the followed read to end") { server.openLogReaders == 0 }

        let log = try String(contentsOf: server.options.stateDirectory.auditLog, encoding: .utf8)
        let reads = log.split(separator: "\n").compactMap { line -> [String: Any]? in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  object["event"] as? String == "logs" else { return nil }
            return object
        }
        guard reads.count == 2 else { return XCTFail("expected two log reads in the audit log:\n\(log)") }
        XCTAssertEqual(reads[0]["instance"] as? String, id)
        XCTAssertEqual(reads[0]["function"] as? String, "lines")
        XCTAssertEqual(reads[0]["tailLines"] as? Int, 2)
        XCTAssertEqual(reads[0]["follow"] as? Bool, false)
        XCTAssertEqual(reads[0]["status"] as? String, "complete")
        XCTAssertEqual(reads[0]["bytesOut"] as? Int, whole.utf8.count)
        XCTAssertTrue((reads[0]["identity"] as? String)?.hasPrefix("token:") == true, "\(reads[0])")
        XCTAssertTrue((reads[0]["peer"] as? String)?.contains("127.0.0.1") == true, "\(reads[0])")
        XCTAssertEqual(reads[1]["instance"] as? String, ticker)
        XCTAssertEqual(reads[1]["follow"] as? Bool, true)
        XCTAssertEqual(reads[1]["status"] as? String, "client-gone")
        XCTAssertGreaterThan(reads[1]["bytesOut"] as? Int ?? 0, 0)
        XCTAssertFalse(log.contains("line-5"), "the audit log holds log content")
    }

    func testTheLastLinesOfALogLargerThanAChunk() async throws {
        // 30 000 numbered lines (~300 KB, several of the reader's 64 KB chunks), the last without a newline.
        let p = try await start("""
            functions:
              - functionName: big
                code: ./fn
                customRuntimeConfig: {command: [sh, -c, "seq 1 29999; printf 30000; exec python3 server.py"]}
                provisioned: 1
            """)
        let id = try await p.waitForRunning("big")[0].instanceId
        let all = try await collect(p.backend.streamLogs(LogRequest(function: "big", instanceId: id)))
        XCTAssertEqual(all, (1...30000).map(String.init).joined(separator: "\n"))
        let tail = try await collect(p.backend.streamLogs(LogRequest(function: "big", instanceId: id, tailLines: 20000)))
        XCTAssertEqual(tail, (10001...30000).map(String.init).joined(separator: "\n"))
    }

    /// Follow passes what is printed after the request, and ends (with the
    /// rest of the log) once the instance has been released.
    func testFollowSeesNewOutputAndEndsWithTheInstance() async throws {
        let p = try await start()
        let id = try await p.waitForRunning("ticker")[0].instanceId
        let stream = try await p.backend.streamLogs(LogRequest(function: "ticker", instanceId: id, follow: true, tailLines: 0))
        let received = NIOLockedValueBox("")
        let ended = NIOLockedValueBox(false)
        let reader = Task {
            for try await chunk in stream { received.withLockedValue { $0 += String(decoding: chunk, as: UTF8.self) } }
            ended.withLockedValue { $0 = true }
        }
        defer { reader.cancel() }
        // tailLines=0: nothing of before; what arrives was printed after the request.
        var firstTick: Int?
        try await poll(timeout: 10, "three ticks through the followed log; got \(received.withLockedValue { $0 })") {
            let ticks = received.withLockedValue { $0 }.split(separator: "\n").compactMap { Int($0.dropFirst("tick-".count)) }
            firstTick = ticks.first
            return ticks.count >= 3
        }
        try p.embedded.platform.setProvisioned(function: "ticker", target: 0)
        try await poll(timeout: 15, "the followed log to end once the instance was released") { ended.withLockedValue { $0 } }
        try await reader.value
        let ticks = received.withLockedValue { $0 }.split(separator: "\n").map(String.init)
        // Every tick from the first one seen, in order, none twice, up to the last the log holds.
        let log = try String(contentsOf: p.directory.appendingPathComponent("state/logs/\(id).log"), encoding: .utf8)
        let logTicks = log.split(separator: "\n").map(String.init)
        XCTAssertEqual(ticks, Array(logTicks.drop { $0 != "tick-\(firstTick ?? -1)" }))
        // The ended instance's log is kept, and answers without follow too.
        let afterwards = try await collect(p.backend.streamLogs(LogRequest(function: "ticker", instanceId: id, follow: true)))
        XCTAssertEqual(afterwards, log)
    }

    /// A live log cut back past maxLogBytes: the follower goes on from the
    /// note the cut wrote, without re-sending or losing it.
    func testFollowGoesOnAfterTheLogIsCut() async throws {
        // 200,016 bytes (under the cap); when the file `go` appears, 399,996 more in one
        // write (a cut, a truncate, cannot land inside it), then after-the-cut 2.5 s later.
        let p = try await start("""
            functions:
              - functionName: burst
                code: ./fn
                customRuntimeConfig:
                  command: [sh, -c, 'python3 -c ''import os, time; line = b"porthole-log-line\\n"; os.write(1, line * 11112); [time.sleep(0.02) for _ in iter(lambda: os.path.exists("go"), True)]; os.write(1, line * 22222); time.sleep(2.5); os.write(1, b"after-the-cut\\n"); time.sleep(600)'' & exec python3 server.py']
                provisioned: 1
            """) {
            $0.maxLogBytes = 300_000
            $0.sampleInterval = 0.25
        }
        let id = try await p.waitForRunning("burst")[0].instanceId
        let stream = try await p.backend.streamLogs(LogRequest(function: "burst", instanceId: id, follow: true))
        let received = NIOLockedValueBox([UInt8]())
        let reader = Task { for try await chunk in stream { received.withLockedValue { $0 += chunk } } }
        defer { reader.cancel() }
        try await poll(timeout: 20, "the first 200,016 bytes through the followed log") { received.withLockedValue { $0.count } == 200_016 }
        FileManager.default.createFile(atPath: p.directory.appendingPathComponent("fn/go").path, contents: nil)
        try await poll(timeout: 20, "after-the-cut through the followed log") {
            String(decoding: received.withLockedValue { $0 }, as: UTF8.self).hasSuffix("after-the-cut\n")
        }
        let text = String(decoding: received.withLockedValue { $0 }, as: UTF8.self)
        let note = try XCTUnwrap(text.range(of: "[porthole: log cut at "), "no cut note in what was followed")
        XCTAssertNil(text[note.upperBound...].range(of: "[porthole: log cut at "), "the note came twice")
        let before = text[..<note.lowerBound]
        let burst = String(repeating: "porthole-log-line\n", count: 33_334)
        // Before the note: the log from its start, nothing twice; at least what was read
        // before the second write (the cut may beat the follower to that write's bytes).
        XCTAssertTrue(burst.hasPrefix(before), "before the note: \(before.utf8.count) bytes that are not the log's start")
        XCTAssertGreaterThanOrEqual(before.utf8.count, 200_016)
        XCTAssertTrue(text[note.lowerBound...].range(of: #"^\[porthole: log cut at \d+ bytes \(maxLogBytes 300000\); older output dropped\]\nafter-the-cut\n$"#, options: .regularExpression) != nil,
                      "after the burst: \(text[note.lowerBound...].prefix(300))")
    }

    /// The consumer going away (its task cancelled, or the stream dropped) closes
    /// the request, and the server stops reading the file at once.
    func testAClientThatGoesAwayStopsTheServersReader() async throws {
        let p = try await start()
        let id = try await p.waitForRunning("ticker")[0].instanceId
        let logPath = p.directory.appendingPathComponent("state/logs/\(id).log").path
        let server = p.embedded.platform
        XCTAssertEqual(server.openLogReaders, 0)
        XCTAssertEqual(Self.descriptors(openOn: logPath), 0)

        // Cancelled task.
        let stream = try await p.backend.streamLogs(LogRequest(function: "ticker", instanceId: id, follow: true))
        let gotOne = NIOLockedValueBox(false)
        let reader = Task { for try await _ in stream { gotOne.withLockedValue { $0 = true } } }
        try await poll(timeout: 10, "a chunk of the followed log") { gotOne.withLockedValue { $0 } }
        XCTAssertEqual(server.openLogReaders, 1)
        XCTAssertEqual(Self.descriptors(openOn: logPath), 1)
        reader.cancel()
        _ = await reader.result
        try await poll(timeout: 5, "the server's reader to close after the client cancelled; \(server.openLogReaders) open, \(Self.descriptors(openOn: logPath)) fds") {
            server.openLogReaders == 0 && Self.descriptors(openOn: logPath) == 0
        }

        // Dropped stream: break out of the loop, let the stream go.
        do {
            let dropped = try await p.backend.streamLogs(LogRequest(function: "ticker", instanceId: id, follow: true))
            for try await _ in dropped { break }
        }
        try await poll(timeout: 5, "the server's reader to close after the client dropped the stream") {
            server.openLogReaders == 0 && Self.descriptors(openOn: logPath) == 0
        }
    }

    /// A client that does not read holds the server to what the socket buffers:
    /// the reader does not run ahead through the log into memory.
    func testAClientThatDoesNotReadIsNotBufferedFor() async throws {
        let p = try await start("""
            functions:
              - functionName: huge
                code: ./fn
                customRuntimeConfig: {command: [sh, -c, "head -c 100000000 /dev/zero | tr '\\\\0' x; exec python3 server.py"]}
                provisioned: 1
            """) { $0.maxLogBytes = 200_000_000 }
        let id = try await p.waitForRunning("huge", timeout: 60)[0].instanceId
        let socket = try RawSocket(port: p.embedded.port)
        defer { socket.close() }
        // The smallest receive buffer the kernel gives, so only the server can hold what is not read.
        var small: Int32 = 4096
        setsockopt(socket.fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        try socket.send("GET /2023-03-30/functions/huge/instances/\(id)/logs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(p.embedded.token.value)\r\n\r\n")
        let before = Self.residentBytes()
        try await Task.sleep(nanoseconds: 1_500_000_000)
        let growth = Self.residentBytes() - before
        XCTAssertLessThan(growth, 30_000_000, "the server grew \(growth) bytes while a client did not read a 100 MB log")
        XCTAssertEqual(p.embedded.platform.openLogReaders, 1)
        socket.close()
        try await poll(timeout: 5, "the reader to close when the silent client went away") { p.embedded.platform.openLogReaders == 0 }

        // The same through streamLogs with a consumer that takes one chunk and pauses:
        // the client's buffer is bounded, so the server is held back too.
        let stream = try await p.backend.streamLogs(LogRequest(function: "huge", instanceId: id))
        var iterator = stream.makeAsyncIterator()
        let first = try await iterator.next()
        XCTAssertNotNil(first)
        let paused = Self.residentBytes()
        try await Task.sleep(nanoseconds: 1_500_000_000)
        let pausedGrowth = Self.residentBytes() - paused
        XCTAssertLessThan(pausedGrowth, 30_000_000, "client and server grew \(pausedGrowth) bytes while the consumer paused")
        XCTAssertEqual(p.embedded.platform.openLogReaders, 1, "the server read the whole log while the consumer paused")
        // Then it reads on to the end: all 100 MB.
        XCTAssertEqual(first.map { Set($0) }, [UInt8(ascii: "x")])
        var total = first?.count ?? 0
        while let chunk = try await iterator.next() { total += chunk.count }
        XCTAssertEqual(total, 100_000_000)
    }

    func testUnknownAndPrunedInstancesAndBadArguments() async throws {
        let p = try await start { $0.logsKeptPerFunction = 1 }
        let first = try await p.waitForRunning("lines")[0].instanceId
        do {
            _ = try await p.backend.streamLogs(LogRequest(function: "lines", instanceId: "c-000000000000"))
            XCTFail("an unknown instance's log was served")
        } catch PlatformError.notFound(let code, let message) {
            XCTAssertEqual(code, "InstanceNotFound")
            XCTAssertTrue(message.contains("porthole instances lines"), message)
        }
        do {
            _ = try await p.backend.streamLogs(LogRequest(function: "nope", instanceId: first))
            XCTFail("a log of an unknown function was served")
        } catch PlatformError.notFound(let code, _) {
            XCTAssertEqual(code, "FunctionNotFound")
        }
        do {
            _ = try await p.backend.streamLogs(LogRequest(function: "lines", instanceId: first, previous: true))
            XCTFail("--previous was accepted")
        } catch PlatformError.unsupported(let message) {
            XCTAssertTrue(message.contains("ask for the current log instead"), message)
        }
        // Bad tailLines and follow: 400 with the API's error body.
        for query in ["tailLines=-1", "tailLines=ten", "tailLines=", "follow=maybe"] {
            let (status, body) = try await rawGet(p, "/2023-03-30/functions/lines/instances/\(first)/logs?\(query)")
            XCTAssertEqual(status, 400, query)
            XCTAssertTrue(body.contains("\"Code\":\"InvalidArgument\""), body)
        }
        let (status, _) = try await rawGet(p, "/2023-03-30/functions/lines/instances/\(first)/logs", token: "wrong")
        XCTAssertEqual(status, 401)

        // Two instances end; only the newest one's log is kept (logsKeptPerFunction 1).
        try p.embedded.platform.setProvisioned(function: "lines", target: 0)
        try await poll(timeout: 15, "the first instance to end") {
            try await p.backend.listInstances(function: "lines").allSatisfy { $0.status == .released }
        }
        let kept = try await collect(p.backend.streamLogs(LogRequest(function: "lines", instanceId: first)))
        XCTAssertEqual(kept, "line-1\nline-2\nline-3\nline-4\nline-5\n")
        try p.embedded.platform.setProvisioned(function: "lines", target: 1)
        let second = try await p.waitForRunning("lines")[0].instanceId
        try p.embedded.platform.setProvisioned(function: "lines", target: 0)
        try await poll(timeout: 15, "the second instance to end") {
            try await p.backend.listInstances(function: "lines").allSatisfy { $0.status == .released }
        }
        do {
            _ = try await p.backend.streamLogs(LogRequest(function: "lines", instanceId: first))
            XCTFail("a pruned log was served")
        } catch PlatformError.notFound(let code, let message) {
            XCTAssertEqual(code, "LogPruned")
            XCTAssertTrue(message.contains("pruned"), message)
        }
        let newest = try await collect(p.backend.streamLogs(LogRequest(function: "lines", instanceId: second)))
        XCTAssertEqual(newest, "line-1\nline-2\nline-3\nline-4\nline-5\n")
    }

    /// A console with a dozen log panes following: each holds a connection, and
    /// the table's refresh still gets through at once.
    func testManyFollowsLeaveRoomForOtherRequests() async throws {
        let p = try await start()
        let id = try await p.waitForRunning("ticker")[0].instanceId
        var readers: [Task<Void, any Error>] = []
        defer { for reader in readers { reader.cancel() } }
        for _ in 0..<12 {
            let stream = try await p.backend.streamLogs(LogRequest(function: "ticker", instanceId: id, follow: true))
            readers.append(Task { for try await _ in stream {} })
        }
        try await poll(timeout: 10, "12 follows open") { p.embedded.platform.openLogReaders == 12 }
        let started = Date()
        let instances = try await p.backend.listInstances(function: nil)
        XCTAssertTrue(instances.contains { $0.instanceId == id })
        let lines = try await collect(p.backend.streamLogs(LogRequest(function: "lines", instanceId: p.waitForRunning("lines")[0].instanceId, tailLines: 1)))
        XCTAssertEqual(lines, "line-5\n")
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        for reader in readers { reader.cancel() }
        try await poll(timeout: 10, "every follow closed") { p.embedded.platform.openLogReaders == 0 }
    }

    /// `porthole logs ID` still finds an ended instance that has left the instance list.
    func testCLIReadsAnEndedInstanceThatLeftTheList() async throws {
        let p = try await start { $0.listEndedSeconds = 0 }
        let id = try await p.waitForRunning("lines")[0].instanceId
        try p.embedded.platform.setProvisioned(function: "lines", target: 0)
        try await poll(timeout: 15, "the instance to end and leave the list") {
            try await !p.backend.listInstances(function: nil).contains { $0.instanceId == id }
        }
        let cli = try PortholeCLI(platform: p)
        let run = try cli.run(["logs", "-f", id])
        XCTAssertEqual(run.status, 0, run.stderrText)
        XCTAssertEqual(run.stdoutText, "line-1\nline-2\nline-3\nline-4\nline-5\n")
        let unknown = try cli.run(["logs", "c-000000000000"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderrText.hasPrefix("porthole: no instance c-000000000000"), unknown.stderrText)
    }

    /// A server that dies mid-follow ends the stream with an error, not a quiet
    /// end; a frozen one fails the request within its timeout.
    func testABrokenOrFrozenServerEndsTheStreamWithAnError() async throws {
        let serve = try ServeProcess(functionsYAML: Self.functions)
        defer { serve.stop() }
        let backend = try serve.backend(requestTimeout: 2)
        var id = ""
        try await poll(timeout: 30, "a running ticker") {
            id = try await backend.listInstances(function: "ticker").first { $0.status == .running }?.instanceId ?? ""
            return !id.isEmpty
        }
        let stream = try await backend.streamLogs(LogRequest(function: "ticker", instanceId: id, follow: true))
        let gotOne = NIOLockedValueBox(false)
        let outcome = NIOLockedValueBox<Result<Void, any Error>?>(nil)
        let reader = Task {
            do {
                for try await _ in stream { gotOne.withLockedValue { $0 = true } }
                outcome.withLockedValue { $0 = .success(()) }
            } catch {
                outcome.withLockedValue { $0 = .failure(error) }
            }
        }
        defer { reader.cancel() }
        try await poll(timeout: 10, "a chunk of the followed log") { gotOne.withLockedValue { $0 } }

        // Frozen: the server accepts the connection but never answers.
        serve.server.freeze()
        try await poll(timeout: 5, "the server to be stopped") { Self.isStopped(serve.pid) }
        let asked = Date()
        do {
            _ = try await backend.streamLogs(LogRequest(function: "ticker", instanceId: id, follow: true))
            XCTFail("a frozen server's log stream opened")
        } catch PlatformError.unreachable(_, let reason) {
            XCTAssertTrue(reason.contains("no answer within 2 s"), reason)
        }
        XCTAssertLessThan(Date().timeIntervalSince(asked), 8)

        kill(serve.pid, SIGKILL)
        try await poll(timeout: 10, "the followed stream to end once the server was killed") { outcome.withLockedValue { $0 } != nil }
        guard case .failure(let error) = outcome.withLockedValue({ $0 }) else { return XCTFail("the stream ended without an error") }
        guard case PlatformError.interrupted(let message)? = error as? PlatformError else { return XCTFail("\(error)") }
        XCTAssertTrue(message.contains("the log of \(id) broke off before its end"), message)
        XCTAssertFalse(message.contains("porthole serve"), "a broken-off stream is not a missing server: \(message)")
    }

    private func rawGet(_ p: TestPlatform, _ path: String, token: String? = nil) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(p.embedded.port)\(path)")
        request.headers.add(name: "Authorization", value: "Bearer \(token ?? p.embedded.token.value)")
        let response = try await PortholeServerBackend.sharedClient.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    /// This process's descriptors open on `path`.
    static func descriptors(openOn path: String) -> Int {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return fds.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")) == path }.count
    }

    /// Whether `pid` is stopped (state T in /proc/PID/stat).
    static func isStopped(_ pid: Int32) -> Bool {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = text.lastIndex(of: ")") else { return false }
        return text[text.index(close, offsetBy: 2)...].hasPrefix("T")
    }

    static func residentBytes() -> Int {
        let text = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
        let pages = text.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
