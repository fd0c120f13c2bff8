import ExecCore
import Foundation
import LocalRuntime
import Platform
import XCTest

/// Issue 11: a shell in a tty exec owns its terminal inside the instance's pid
/// namespace, so dash and bash get job control and give back their exit code
/// (dash used to say "Cannot set tty process group (No such process)" and exit 2).
final class TTYSessionTests: XCTestCase {
    var platform: TestPlatform?

    override func tearDown() async throws {
        await platform?.shutdown()
    }

    static let complaints = ["Cannot set tty process group", "cannot set terminal process group", "no job control"]

    func running(_ isolation: Isolation) async throws -> (TestPlatform, Instance) {
        await platform?.shutdown()
        let p = try await TestPlatform.simple(isolation: isolation)
        platform = p
        return (p, try await p.waitForRunning("fn")[0])
    }

    func open(_ p: TestPlatform, _ instance: Instance, _ shell: String) async throws -> (ExecSession, ExecOutput) {
        let output = ExecOutput()
        let session = try await p.backend.openExec(
            ExecRequest(functionName: "fn", instanceId: instance.instanceId, command: [shell], tty: true),
            handlers: output.handlers)
        return (session, output)
    }

    func testShellsInATTYExitWithTheirCode() async throws {
        for isolation in InitTests.isolations {
            let (p, instance) = try await running(isolation)
            for shell in ["sh", "bash"] {
                for code in [0, 3] {
                    let (session, output) = try await open(p, instance, shell)
                    session.send(Array("exit \(code)\n".utf8))
                    let end = await session.wait()
                    XCTAssertEqual(end, .exited(code: Int32(code)), "\(shell) (\(isolation)) said: \(output.stdoutText)")
                    for complaint in Self.complaints {
                        XCTAssertFalse(output.stdoutText.contains(complaint), "\(shell) (\(isolation)): \(output.stdoutText)")
                    }
                }
            }
        }
    }

    func testJobControlWorks() async throws {
        for isolation in InitTests.isolations {
            let (p, instance) = try await running(isolation)
            for shell in ["sh", "bash"] {
                let what = "\(shell) (\(isolation))"
                let (session, output) = try await open(p, instance, shell)
                // Marks count bytes: a String would count "\r\n" as one Character.
                func after(_ mark: Int) -> String { String(decoding: output.stdout.dropFirst(mark), as: UTF8.self) }
                func waitFor(_ text: String, since mark: Int, _ step: String) async throws {
                    try await poll(timeout: 10, "\(what) \(step): \(text); saw \(after(mark).debugDescription)") {
                        after(mark).contains(text)
                    }
                }
                // A background job shows in `jobs`, comes back with `fg`, and Ctrl-C ends it.
                session.send(Array("sleep 100 &\n".utf8))
                var mark = output.stdout.count
                session.send(Array("jobs; echo jobs-$((2+3))\n".utf8))
                try await waitFor("jobs-5", since: mark, "jobs")
                XCTAssertTrue(after(mark).contains("Running"), "\(what) jobs: \(after(mark))")
                mark = output.stdout.count
                session.send(Array("fg\n".utf8))
                try await waitFor("sleep 100", since: mark, "fg")
                try await Task.sleep(nanoseconds: 300_000_000)
                mark = output.stdout.count
                session.send([0x03])
                // The marker is computed, so the echo of the typed line cannot match it.
                session.send(Array("echo st$((6*7))-$?\n".utf8))
                try await waitFor("st42-", since: mark, "after Ctrl-C")
                XCTAssertTrue(after(mark).contains("st42-130"), "\(what): fg then Ctrl-C: \(after(mark).debugDescription)")
                // Ctrl-Z suspends a foreground job.
                mark = output.stdout.count
                session.send(Array("sleep 200\n".utf8))
                try await waitFor("sleep 200", since: mark, "start sleep 200")
                try await Task.sleep(nanoseconds: 300_000_000)
                mark = output.stdout.count
                session.send([0x1a])
                try await waitFor("Stopped", since: mark, "Ctrl-Z")
                mark = output.stdout.count
                session.send(Array("kill -KILL %1; sleep 0.2; jobs; echo k$((2*4))\n".utf8))
                try await waitFor("k8", since: mark, "kill %1")
                session.send(Array("exit 0\n".utf8))
                let end = await session.wait()
                XCTAssertEqual(end, .exited(code: 0), "\(what): \(output.stdoutText)")
                for complaint in Self.complaints {
                    XCTAssertFalse(output.stdoutText.contains(complaint), "\(what): \(output.stdoutText)")
                }
            }
        }
    }
}
