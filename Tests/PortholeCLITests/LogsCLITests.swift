import Foundation
import ProcessHarness
import XCTest

/// `porthole logs` against a real `porthole serve` whose instances print.
final class LogsCLITests: XCTestCase {
    nonisolated(unsafe) private static var shared: CLIServer?

    override class func tearDown() {
        shared?.stop()
        shared = nil
    }

    /// `quiet` prints three lines and then nothing; `ticker` prints a line every
    /// 0.2 s; `big` prints 2 MiB (32,768 lines of 64 bytes) and then nothing.
    private func server() throws -> CLIServer {
        if let server = Self.shared { return server }
        let server = try CLIServer(functionsYAML: """
            functions:
              - functionName: quiet
                code: ./fn
                customRuntimeConfig: {command: [sh, -c, "echo one; echo two; echo three; exec python3 server.py"]}
                provisioned: 1
              - functionName: ticker
                code: ./fn
                customRuntimeConfig: {command: [sh, -c, "i=0; (while :; do i=$((i+1)); echo tick-$i; sleep 0.2; done) & exec python3 server.py"]}
                provisioned: 1
              - functionName: big
                code: ./fn
                customRuntimeConfig: {command: [sh, -c, "yes xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx | head -n 32768; exec python3 server.py"]}
                provisioned: 1
            """, files: ["fn/server.py": CLIServer.answeringServer])
        Self.shared = server
        return server
    }

    func testWholeLogAndTail() throws {
        let id = try server().runningInstance(of: "quiet")
        let all = try server().cli(["logs", id])
        XCTAssertEqual(all.status, 0, "\(all)")
        XCTAssertEqual(all.stdout, "one\ntwo\nthree\n")
        XCTAssertEqual(all.stderr, "")
        let last = try server().cli(["logs", "--tail", "2", id])
        XCTAssertEqual(last.stdout, "two\nthree\n", "\(last)")
        let bad = try server().cli(["logs", "--tail", "-5", id])
        XCTAssertNotEqual(bad.status, 0, "\(bad)")
        XCTAssertTrue(bad.stderr.contains("--tail -5 is not a number of lines"), bad.stderr)
    }

    /// A pipe sees each line as it comes, and `head` ending ends porthole at
    /// once, even though the log has gone quiet and nothing more is written.
    func testFollowIntoHeadEndsWhenHeadDoes() throws {
        let server = try server()
        let id = try server.runningInstance(of: "quiet")
        let started = Date()
        let connection = "--server \(server.url) --token-file \(server.tokenFile.path)"
        let script = "{ timeout -s KILL 20 \(CLIRun.binary.path) logs -f \(connection) \(id); echo \"porthole exited $?\" >&2; } | head -n 3"
        let run = try ProgramRunner.run(["/bin/sh", "-c", script], environment: server.isolation.mapValues { $0 }, timeout: 40)
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(run.stdoutText, "one\ntwo\nthree\n")
        XCTAssertEqual(run.stderrText, "porthole exited 0\n")
        XCTAssertLessThan(elapsed, 10, "porthole logs -f | head -n 3 took \(elapsed) s")

        // The ticker keeps printing: head's three lines come from a stream still being followed.
        let ticker = try server.runningInstance(of: "ticker")
        let ticks = try ProgramRunner.run(
            ["/bin/sh", "-c", "{ timeout -s KILL 20 \(CLIRun.binary.path) logs -f --tail 0 \(connection) \(ticker); echo \"porthole exited $?\" >&2; } | grep --line-buffered tick 2>/dev/null | head -n 3"],
            environment: server.isolation.mapValues { $0 }, timeout: 40)
        let lines = ticks.stdoutText.split(separator: "\n")
        XCTAssertEqual(lines.count, 3, ticks.stdoutText)
        XCTAssertTrue(lines.allSatisfy { $0.hasPrefix("tick-") }, ticks.stdoutText)
        XCTAssertEqual(ticks.stderrText, "porthole exited 0\n")
        try assertServerHoldsNoLogOpen(server, ids: [id, ticker])
    }

    func testErrorsSayWhatToDo() throws {
        let unknown = try server().cli(["logs", "c-000000000000"])
        XCTAssertEqual(unknown.status, 1, "\(unknown)")
        XCTAssertTrue(unknown.stderr.hasPrefix("porthole: no instance c-000000000000 on "), unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("run `porthole instances`"), unknown.stderr)
        let id = try server().runningInstance(of: "quiet")
        let previous = try server().cli(["logs", "-p", id])
        XCTAssertEqual(previous.status, 1, "\(previous)")
        XCTAssertTrue(previous.stderr.hasPrefix("porthole: "), previous.stderr)
        XCTAssertTrue(previous.stderr.contains("ask for the current log instead"), previous.stderr)
    }

    /// A stdout left non-blocking by whoever shares it (a Node.js parent, a
    /// shell that set O_NONBLOCK on the pipe) refuses writes with EAGAIN while
    /// its reader is behind: porthole waits for room instead of retrying in a
    /// loop that burns a core for as long as the reader is slow.
    func testANonBlockingStdoutIsWaitedForNotSpunOn() throws {
        let server = try server()
        let id = try server.runningInstance(of: "big")
        // The reader takes 64 KiB every 0.05 s: 2 MiB take about 1.6 s.
        let reader = """
            import fcntl, os, subprocess, sys, time
            r, w = os.pipe()
            fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)
            child = subprocess.Popen(sys.argv[1:], stdout=w)
            os.close(w)
            started, total = time.time(), 0
            while True:
                chunk = os.read(r, 65536)
                if not chunk: break
                total += len(chunk)
                time.sleep(0.05)
            _, status, usage = os.wait4(child.pid, 0)
            print(total, status, round(time.time() - started, 2), round(usage.ru_utime + usage.ru_stime, 2))
            """
        let run = try ProgramRunner.run(
            ["/usr/bin/python3", "-c", reader, CLIRun.binary.path, "logs", "--server", server.url, "--token-file", server.tokenFile.path, id],
            environment: server.isolation.mapValues { $0 }, timeout: 60)
        let figures = run.stdoutText.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        guard figures.count == 4 else { return XCTFail("\(run.stdoutText) \(run.stderrText)") }
        XCTAssertEqual(figures[0], Double(64 * 32768), "bytes read: \(run.stderrText)")
        XCTAssertEqual(figures[1], 0, "exit status: \(run.stderrText)")
        // Spinning costs about the whole wall time; waiting costs a small part of it.
        XCTAssertLessThan(figures[3], max(0.5, figures[2] * 0.4), "porthole used \(figures[3]) s of CPU in \(figures[2]) s")
    }

    /// The server process closes every log it opened for the CLI once the CLI is gone.
    private func assertServerHoldsNoLogOpen(_ server: CLIServer, ids: [String]) throws {
        let deadline = Date().addingTimeInterval(5)
        var open: [String] = []
        repeat {
            let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(server.server.pid)/fd")) ?? []
            open = fds.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(server.server.pid)/fd/\($0)") }
                .filter { target in ids.contains { target.hasSuffix("/\($0).log") } }
            if open.isEmpty { return }
            usleep(50_000)
        } while Date() < deadline
        XCTFail("the server still holds \(open) open after the clients left")
    }
}
