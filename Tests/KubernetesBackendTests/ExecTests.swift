import ExecCore
import Foundation
import KubernetesBackend
import KubernetesFake
import XCTest

/// `pods/exec` against the fake: real processes, real exit codes.
final class ExecTests: XCTestCase {
    private func run(
        _ backend: KubernetesBackend, pod: String, container: String? = nil, _ command: [String], stdin: String? = nil, tty: Bool = false
    ) async throws -> (ExecEnd, ExecOutput) {
        let output = ExecOutput()
        let request = ExecRequest(
            functionName: "", instanceId: pod, command: command, stdin: stdin != nil, stdout: true, stderr: !tty, tty: tty,
            terminalSize: tty ? TerminalSize(cols: 100, rows: 30) : nil)
        let session = try await backend.openExec(request, container: container, handlers: output.handlers)
        if let stdin {
            try await session.write(Array(stdin.utf8))
            session.closeStdin()
        }
        let end = await withTaskGroup(of: ExecEnd?.self) { group in
            group.addTask { await session.wait() }
            group.addTask {
                try? await Task.sleep(nanoseconds: 20_000_000_000)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let end else {
            session.cancel()
            throw XCTSkip("exec did not end within 20 s")
        }
        return (end, output)
    }

    func testV5ExitCodeOutputAndDefaultContainer() async throws {
        let cluster = try await TestCluster()
        let backend = try cluster.backend()
        let hello = "hello-00001-deployment-7d9f8c6b5-abcde"
        let (end, output) = try await run(backend, pod: hello, ["sh", "-c", "echo in $FAKE_CONTAINER; echo oops >&2; exit 7"])
        XCTAssertEqual(end, .exited(code: 7))
        XCTAssertEqual(output.stdout, "in user-container\n", "the default-container annotation, applied by the client")
        XCTAssertEqual(output.stderr, "oops\n")
        XCTAssertTrue(cluster.server.requests.contains { $0.hasPrefix("UPGRADE ") && $0.contains("container=user-container") })
        let (chosen, chosenOutput) = try await run(backend, pod: hello, container: "queue-proxy", ["sh", "-c", "echo $FAKE_CONTAINER"])
        XCTAssertEqual(chosen, .exited(code: 0))
        XCTAssertEqual(chosenOutput.stdout, "queue-proxy\n")
        do {
            _ = try await run(backend, pod: hello, container: "sidecar", ["true"])
            XCTFail("no such container")
        } catch {
            XCTAssertTrue("\(error)".contains("choose one of: user-container, queue-proxy"), "\(error)")
        }
        // stdin reaches the process and its end is signalled (v5's close channel).
        let (catEnd, catOutput) = try await run(backend, pod: "web-6b7f9d4c8-x2x9k", ["cat"], stdin: "piped\n")
        XCTAssertEqual(catEnd, .exited(code: 0))
        XCTAssertEqual(catOutput.stdout, "piped\n")
        await backend.shutdown()
        await cluster.stop()
    }

    func testFallsBackToV4WhenTheServerRefusesV5() async throws {
        let cluster = try await TestCluster { $0.execDialects = [.v4] }
        let backend = try cluster.backend()
        let (end, output) = try await run(backend, pod: "web-6b7f9d4c8-x2x9k", ["sh", "-c", "echo v4; exit 3"])
        XCTAssertEqual(end, .exited(code: 3))
        XCTAssertEqual(output.stdout, "v4\n")
        XCTAssertEqual(cluster.server.requests.filter { $0.contains("/exec?") }.count, 2, "one refused v5 attempt, one v4: \(cluster.server.requests)")
        await backend.shutdown()
        await cluster.stop()
    }

    /// The login shell is decided inside the pod: bash where there is one, sh where not.
    func testLoginShellIsBashIfPresentElseSh() async throws {
        let cluster = try await TestCluster()
        let backend = try cluster.backend()
        let probe = "echo shell=$(basename \"$0\"); exit 0\n"
        let (_, withBash) = try await run(backend, pod: "web-6b7f9d4c8-x2x9k", ExecRequest.loginShell, stdin: probe)
        XCTAssertTrue(withBash.stdout.contains("shell=bash"), withBash.stdout)
        let (_, shOnly) = try await run(backend, pod: "tiny-5c6d7e8f9-b7b7b", ExecRequest.loginShell, stdin: probe)
        XCTAssertTrue(shOnly.stdout.contains("shell=sh"), shOnly.stdout)
        await backend.shutdown()
        await cluster.stop()
    }

    func testErrorsSayWhatToDo() async throws {
        let cluster = try await TestCluster()
        let viewer = try cluster.backend(user: "token: \(TestCluster.forbiddenToken)")
        do {
            _ = try await run(viewer, pod: "web-6b7f9d4c8-x2x9k", ["true"])
            XCTFail("RBAC refuses")
        } catch {
            XCTAssertTrue("\(error)".contains("`create pods/exec` in namespace default"), "\(error)")
        }
        await viewer.shutdown()
        let backend = try cluster.backend()
        for (pod, expected) in [
            ("web-6b7f9d4c8-pend1", "does not have a host assigned"),
            ("web-migrate", "current phase is Succeeded"),
            ("nope", "pods \"nope\" not found"),
        ] {
            do {
                _ = try await run(backend, pod: pod, ["true"])
                XCTFail("\(pod) cannot be exec'd")
            } catch {
                XCTAssertTrue("\(error)".contains(expected), "\(pod): \(error)")
            }
        }
        // A container that is not running: v5 upgrades, then says so in the status.
        let (end, _) = try await run(backend, pod: "worker-0", ["true"])
        XCTAssertEqual(end.summary, "failed (InternalError)")
        XCTAssertTrue(end.description.contains("CrashLoopBackOff"), end.description)
        await backend.shutdown()
        await cluster.stop()
    }

    func testTTYSessionRunsUnderAPty() async throws {
        let cluster = try await TestCluster()
        let backend = try cluster.backend()
        let (end, output) = try await run(
            backend, pod: "web-6b7f9d4c8-x2x9k", ["sh", "-c", "tty; stty size; exit 4"], stdin: "", tty: true)
        XCTAssertEqual(end, .exited(code: 4))
        XCTAssertTrue(output.stdout.contains("/dev/pts/"), output.stdout)
        XCTAssertTrue(output.stdout.contains("30 100"), output.stdout)
        await backend.shutdown()
        await cluster.stop()
    }
}
