import Foundation
import ProcessHarness
import XCTest

/// `porthole logs --function` against a real `porthole serve` whose instances print.
final class FanOutLogsCLITests: XCTestCase {
    nonisolated(unsafe) private static var shared: CLIServer?

    override class func tearDown() {
        shared?.stop()
        shared = nil
    }

    /// Each instance prints `lines` long lines as fast as it can (one write each),
    /// then `done`, each line carrying a token of its own instance.
    static let chatter = """
        import os, sys, uuid
        token = uuid.uuid4().hex[:12]
        for n in range(int(sys.argv[1])):
            os.write(1, ('L %s %d %s E\\n' % (token, n, 'x' * 3000)).encode())
        os.write(1, ('done %s\\n' % token).encode())
        """

    /// `chatty`: three instances that print long lines fast; `pulse`: on demand,
    /// released after 2 s idle, ticking meanwhile; `flash`: prints a line and
    /// exits at once; `idle`: never has an instance.
    private func server() throws -> CLIServer {
        if let server = Self.shared { return server }
        let server = try CLIServer(functionsYAML: """
            functions:
              - functionName: chatty
                code: ./fn
                customRuntimeConfig: {command: [sh, -c, "python3 chatter.py 300 & exec python3 server.py"]}
                provisioned: 3
              - functionName: pulse
                code: ./fn
                idleTimeout: 2
                customRuntimeConfig: {command: [sh, -c, "echo pulse-start; (while :; do echo pulse; sleep 0.2; done) & exec python3 server.py"]}
              - functionName: flash
                code: ./fn
                customRuntimeConfig: {command: [sh, -c, "echo flash-line; exit 3"]}
              - functionName: idle
                code: ./fn
                customRuntimeConfig: {command: [python3, server.py]}
            """, files: ["fn/server.py": CLIServer.answeringServer, "fn/chatter.py": Self.chatter])
        Self.shared = server
        return server
    }

    /// Waits until every chatty instance has printed all its lines; returns the last lines (`--tail 1`), one per instance.
    private func chattyDone() throws -> [String] {
        let deadline = Date().addingTimeInterval(60)
        var last: CLIRun?
        while Date() < deadline {
            let run = try server().cli(["logs", "--tail", "1", "--function", "chatty"])
            last = run
            let lines = run.stdout.split(separator: "\n").map(String.init)
            if run.status == 0, lines.count == 3, lines.allSatisfy({ $0.contains(" | done ") }) { return lines }
            usleep(300_000)
        }
        XCTFail("the chatty instances did not all print done within 60 s: \(String(describing: last))")
        return []
    }

    /// Every line is one instance's whole line, behind that instance's own id;
    /// each instance's lines come in order and complete; --tail counts per instance.
    func testEveryInstanceWholeLinesBehindTheirIds() throws {
        let done = try chattyDone()
        let ids = Set(done.map { String($0.prefix { $0 != " " }) })
        XCTAssertEqual(ids.count, 3, "\(done)")

        let all = try server().cli(["logs", "--function", "chatty"])
        XCTAssertEqual(all.status, 0, "\(all.stderr)")
        XCTAssertEqual(all.stderr, "")
        var tokenOf: [String: String] = [:]
        var next: [String: Int] = [:]
        var finished: Set<String> = []
        let filler = String(repeating: "x", count: 3000)
        for line in all.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            let parts = line.components(separatedBy: " | ")
            guard parts.count == 2, ids.contains(parts[0]) else { return XCTFail("not an instance's line: \(line.prefix(80))") }
            let id = parts[0], words = parts[1].split(separator: " ").map(String.init)
            if words.count == 2 && words[0] == "done" {
                XCTAssertEqual(tokenOf[id], words[1], "\(id)'s done line carries another instance's token")
                finished.insert(id)
                continue
            }
            guard words.count == 5, words[0] == "L", words[3] == filler, words[4] == "E" else {
                return XCTFail("a broken or mixed line behind \(id): \(line.prefix(80))…\(line.suffix(20)) (\(line.count) bytes)")
            }
            // One token per id and one id per token: no line went behind another instance's id.
            if let token = tokenOf[id] { XCTAssertEqual(token, words[1]) } else { tokenOf[id] = words[1] }
            XCTAssertEqual(Int(words[2]), next[id, default: 0], "\(id)'s lines out of order or missing")
            next[id] = (Int(words[2]) ?? 0) + 1
        }
        XCTAssertEqual(Set(tokenOf.values).count, 3, "\(tokenOf)")
        XCTAssertEqual(next, Dictionary(uniqueKeysWithValues: ids.map { ($0, 300) }))
        XCTAssertEqual(finished, ids)

        let tail = try server().cli(["logs", "--tail", "2", "--function", "chatty"])
        XCTAssertEqual(tail.status, 0, "\(tail)")
        let tailLines = tail.stdout.split(separator: "\n")
        XCTAssertEqual(tailLines.count, 6, tail.stdout.prefix(300) + "")
        for id in ids {
            let own = tailLines.filter { $0.hasPrefix(id + " | ") }
            XCTAssertEqual(own.count, 2)
            XCTAssertTrue(own.first?.contains(" 299 ") ?? false, "\(own.first?.prefix(60) ?? "")")
            XCTAssertTrue(own.last?.contains(" | done ") ?? false)
        }
    }

    /// `-f | head` ends as soon as head does, though every log has gone quiet.
    func testFollowIntoHeadEndsWhenHeadDoes() throws {
        let server = try server()
        _ = try chattyDone()
        let started = Date()
        let script = "{ timeout -s KILL 20 \(CLIRun.binary.path) logs -f --tail 1 --function chatty --server \(server.url) --token-file \(server.tokenFile.path); echo \"porthole exited $?\" >&2; } | head -n 3"
        let run = try ProgramRunner.run(["/bin/sh", "-c", script], environment: server.isolation.mapValues { $0 }, timeout: 40)
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(run.stdoutText.split(separator: "\n").filter { $0.contains(" | done ") }.count, 3, run.stdoutText)
        XCTAssertTrue(run.stderrText.hasSuffix("porthole exited 0\n"), run.stderrText)
        XCTAssertEqual(run.stderrText.split(separator: "\n").filter { $0.hasPrefix("+ c-") }.count, 3, run.stderrText)
        XCTAssertLessThan(elapsed, 10, "porthole logs -f --function | head -n 3 took \(elapsed) s")
        for line in run.stderrText.split(separator: "\n") {
            XCTAssertTrue(line.hasPrefix("+ c-") || line == "porthole exited 0", "\(line) on stderr")
        }

        // Without -f, head going stops the logs still being opened: quietly, exit 0.
        let first = try ProgramRunner.run(
            ["/bin/sh", "-c", "{ timeout -s KILL 20 \(CLIRun.binary.path) logs --tail 1 --function chatty --server \(server.url) --token-file \(server.tokenFile.path); echo \"porthole exited $?\" >&2; } | head -n 1"],
            environment: server.isolation.mapValues { $0 }, timeout: 40)
        XCTAssertEqual(first.stdoutText.split(separator: "\n").count, 1, first.stdoutText)
        XCTAssertEqual(first.stderrText, "porthole exited 0\n")
    }

    /// Following a function with no instance yet: one that starts (an invocation)
    /// is picked up and its lines arrive from its first (--tail 0 trims only what
    /// was there before); when it is released, `- id (ended)`.
    func testFollowPicksUpNewInstancesAndReportsEnded() throws {
        let server = try server()
        let pulse = try Follower(server, ["logs", "-f", "--tail", "0", "--function", "pulse"])
        defer { pulse.stop() }
        pulse.waitFor("note that pulse has no instance yet", \.err) { $0.contains("no live instance of pulse yet; waiting for one") }

        let invoked = try server.cli(["invoke", "pulse"])
        XCTAssertEqual(invoked.status, 0, "\(invoked)")
        var id = ""
        pulse.waitFor("+ line for the new instance", \.err) { text in
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("+ c-") }) else { return false }
            id = String(line.dropFirst(2))
            return true
        }
        pulse.waitFor("pulse lines behind \(id)", \.out) { $0.components(separatedBy: "\(id) | pulse\n").count > 3 }
        // Released after 2 s idle: its log ends, and porthole says so but keeps following.
        pulse.waitFor("- line for the released instance", \.err) { $0.contains("- \(id) (ended)\n") }
        XCTAssertTrue(pulse.process.isRunning, "porthole logs -f --function stopped on its own: \(pulse.text(\.err))")
        let lines = pulse.text(\.out).split(separator: "\n")
        XCTAssertEqual(lines.first, "\(id) | pulse-start")
        for line in lines.dropFirst() {
            XCTAssertEqual(line, "\(id) | pulse")
        }
    }

    /// An instance that starts and crashes between two listings (2 s apart) is
    /// not missed: its whole log is printed, then `- id (ended)`.
    func testFollowShowsAnInstanceThatCameAndWentBetweenListings() throws {
        let server = try server()
        let flash = try Follower(server, ["logs", "-f", "--function", "flash"])
        defer { flash.stop() }
        flash.waitFor("note that flash has no instance yet", \.err) { $0.contains("no live instance of flash yet; waiting for one") }
        let invoked = try server.cli(["invoke", "flash"])
        XCTAssertEqual(invoked.status, 1, "the instance exits before it answers: \(invoked)")
        var ids: [String] = []
        flash.waitFor("the crashed instance's line", \.out) { text in
            ids = text.split(separator: "\n").map { String($0.prefix { $0 != " " }) }
            return !ids.isEmpty
        }
        // The invocation may try twice (two instances): each is read whole, side by side.
        flash.waitFor("- line for \(ids[0])", \.err) { $0.contains("- \(ids[0]) (ended)\n") }
        let out = flash.text(\.out), err = flash.text(\.err)
        for id in Set(out.split(separator: "\n").map { String($0.prefix { $0 != " " }) }) {
            XCTAssertTrue(out.contains("\(id) | flash-line\n"), out)
            XCTAssertTrue(err.contains("+ \(id)\n"), err)
        }
    }

    func testUnknownFunctionAndNoInstances() throws {
        let unknown = try server().cli(["logs", "--function", "nope"])
        XCTAssertEqual(unknown.status, 1, "\(unknown)")
        XCTAssertEqual(unknown.stderr, "porthole: function nope does not exist; run `porthole functions` to list them\n")
        let none = try server().cli(["logs", "--function", "idle"])
        XCTAssertEqual(none.status, 0, "\(none)")
        XCTAssertEqual(none.stdout, "")
        XCTAssertTrue(none.stderr.hasPrefix("porthole: no live instance of idle, so no log to show"), none.stderr)
        let both = try server().cli(["logs", "--function", "idle", "c-000000000000"])
        XCTAssertEqual(both.status, 64, "\(both)")
        XCTAssertTrue(both.stderr.contains("give either an INSTANCE or --function FUNCTION, not both"), both.stderr)
        let neither = try server().cli(["logs"])
        XCTAssertEqual(neither.status, 64, "\(neither)")
        XCTAssertTrue(neither.stderr.contains("or --function FUNCTION"), neither.stderr)
        // A platform-wide refusal is said once, not once per instance.
        _ = try chattyDone()
        let previous = try server().cli(["logs", "-p", "--function", "chatty"])
        XCTAssertEqual(previous.status, 1, "\(previous)")
        XCTAssertEqual(previous.stderr.components(separatedBy: "keeps no previous run").count, 2, previous.stderr)
    }
}
