import Foundation
import KubernetesBackend
import KubernetesFake
import Platform
import XCTest

/// `pods/log` through `KubernetesBackend.streamLogs` against the fake: what
/// comes out is what the fake's containers wrote, and the refusals say why.
final class LogTests: XCTestCase {
    static let hello = "hello-00001-deployment-7d9f8c6b5-abcde"
    static let web = "web-6b7f9d4c8-x2x9k"
    static let tiny = "tiny-5c6d7e8f9-b7b7b"

    func testFullLogTailAndDefaultContainer() async throws {
        let cluster = try await TestCluster()
        let backend = try cluster.backend()
        let logs = cluster.server.store.logs

        let full = try await readAll(backend.streamLogs(LogRequest(function: "web", instanceId: Self.web)))
        XCTAssertEqual(full, text(logs.lines("default", Self.web, "nginx")))
        XCTAssertEqual(full.split(separator: "\n").count, 6, full)
        let tail = try await readAll(backend.streamLogs(LogRequest(function: "web", instanceId: Self.web, tailLines: 2)))
        XCTAssertEqual(tail, text(logs.lines("default", Self.web, "nginx").map { Array($0.suffix(2)) }))
        XCTAssertTrue(tail.hasPrefix("10.244.1.1 - - [01/Jan/2026:10:00:22"), tail)
        let none = try await readAll(backend.streamLogs(LogRequest(function: "web", instanceId: Self.web, tailLines: 0)))
        XCTAssertEqual(none, "")

        // Two containers: the default-container annotation chooses, as kubectl's does; or the caller names one.
        let chosen = try await readAll(backend.streamLogs(LogRequest(function: "hello", instanceId: Self.hello)))
        XCTAssertEqual(chosen, text(logs.lines("default", Self.hello, "user-container")))
        XCTAssertTrue(cluster.server.requests.contains { $0.hasPrefix("GET /api/v1/namespaces/default/pods/\(Self.hello)/log?container=user-container") })
        let proxy = try await readAll(backend.streamLogs(LogRequest(function: "hello", instanceId: Self.hello, container: "queue-proxy")))
        XCTAssertEqual(proxy, text(logs.lines("default", Self.hello, "queue-proxy")))
        do {
            _ = try await backend.streamLogs(LogRequest(function: "hello", instanceId: Self.hello, container: "sidecar"))
            XCTFail("no such container")
        } catch {
            XCTAssertTrue("\(error)".contains("has no container sidecar; choose one of: user-container, queue-proxy"), "\(error)")
        }
        // Every namespace: the instance is NAMESPACE/POD.
        let everywhere = try cluster.backend(allNamespaces: true)
        let figlet = try await readAll(everywhere.streamLogs(LogRequest(function: "openfaas-fn/figlet", instanceId: "openfaas-fn/figlet-5d8f7b9c4-q8w2z")))
        XCTAssertTrue(figlet.contains("Listening on port: 8080\n"), figlet)
        await everywhere.shutdown()
        await backend.shutdown()
        await cluster.stop()
    }

    func testFollowSeesAppendedLinesThenEndsWhenTheContainerEnds() async throws {
        let cluster = try await TestCluster()
        let backend = try cluster.backend()
        let store = cluster.server.store
        let follower = LogCollector(try await backend.streamLogs(LogRequest(function: "tiny", instanceId: Self.tiny, follow: true)))
        try await eventually(20, "the log so far") { follower.text == "tiny: up, sleeping\n" }
        XCTAssertEqual(store.logs.openFollows, 1)
        store.appendLog("default", Self.tiny, container: "busybox", "first new line\nsecond new line\n")
        try await eventually(20, "the appended lines") { follower.text == "tiny: up, sleeping\nfirst new line\nsecond new line\n" }
        XCTAssertTrue(follower.end == nil, "still following")
        store.appendLog("default", Self.tiny, container: "busybox", "last words\n")
        store.endContainer("default", Self.tiny, container: "busybox", exitCode: 0)
        try await eventually(20, "the end of the stream") { follower.end != nil }
        XCTAssertEqual(follower.failure, nil)
        XCTAssertEqual(follower.text, "tiny: up, sleeping\nfirst new line\nsecond new line\nlast words\n")
        XCTAssertEqual(store.logs.openFollows, 0)
        // A follow of a container that has ended reads its log and ends.
        let after = try await readAll(backend.streamLogs(LogRequest(function: "tiny", instanceId: Self.tiny, follow: true)))
        XCTAssertEqual(after, follower.text)
        // A pod deleted while followed: its containers are killed, the follow ends.
        let web = LogCollector(try await backend.streamLogs(LogRequest(function: "web", instanceId: Self.web, follow: true, tailLines: 1)))
        try await eventually(20, "the web follow to open") { store.logs.openFollows == 1 && !web.text.isEmpty }
        store.delete(pod: "default", Self.web)
        try await eventually(20, "the follow of the deleted pod to end") { web.end != nil }
        XCTAssertEqual(web.failure, nil)
        await backend.shutdown()
        await cluster.stop()
    }

    func testStoppingTheConsumerClosesTheRequest() async throws {
        let cluster = try await TestCluster()
        let backend = try cluster.backend()
        let logs = cluster.server.store.logs
        // Cancelling the task that reads.
        let follower = LogCollector(try await backend.streamLogs(LogRequest(function: "web", instanceId: Self.web, follow: true, tailLines: 1)))
        try await eventually(20, "the last line") { follower.text.hasSuffix("\"curl/8.5.0\" \"-\"\n") }
        XCTAssertEqual(logs.openFollows, 1)
        follower.task.cancel()
        try await eventually(20, "the server to see the request closed") { logs.openFollows == 0 }
        // Leaving the loop early, the stream let go of (an AsyncThrowingStream ends when cancelled or released).
        let first = try await firstChunk(of: backend.streamLogs(LogRequest(function: "web", instanceId: Self.web, follow: true)))
        XCTAssertTrue(String(decoding: first ?? [], as: UTF8.self).hasPrefix("/docker-entrypoint.sh"))
        try await eventually(20, "the server to see the second request closed") { logs.openFollows == 0 }
        // The connection pool still serves requests afterwards.
        let again = try await readAll(backend.streamLogs(LogRequest(function: "web", instanceId: Self.web, tailLines: 1)))
        XCTAssertTrue(again.contains("curl/8.5.0"), again)
        await backend.shutdown()
        await cluster.stop()
    }

    func testManyFollowsLeaveRoomForOtherRequests() async throws {
        // A console with a dozen log panes open: each follow holds an HTTP/1.1
        // connection (the fake, like a proxy, speaks no HTTP/2), and the table's
        // refresh must still get through.
        let cluster = try await TestCluster()
        let backend = try cluster.backend()
        let logs = cluster.server.store.logs
        _ = try await backend.listInstances(function: nil)  // the pod watch holds a connection too
        var followers: [LogCollector] = []
        for _ in 0..<12 {
            followers.append(LogCollector(try await backend.streamLogs(LogRequest(function: "tiny", instanceId: Self.tiny, follow: true))))
        }
        try await eventually(20, "12 follows open") { logs.openFollows == 12 }
        let started = Date()
        let detail = try await backend.describeInstance(function: "web", id: Self.web)
        XCTAssertEqual(detail.facts["pod"], Self.web)
        let tail = try await readAll(backend.streamLogs(LogRequest(function: "web", instanceId: Self.web, tailLines: 1)))
        XCTAssertTrue(tail.contains("curl/8.5.0"), tail)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        for follower in followers { follower.task.cancel() }
        try await eventually(20, "the follows to close") { logs.openFollows == 0 }
        await backend.shutdown()
        await cluster.stop()
    }

    func testFollowsHoldingEveryConnectionGiveAClearError() async throws {
        let cluster = try await TestCluster()
        let resolved = try KubernetesSettings(kubeconfig: cluster.kubeconfig(user: cluster.tokenUser)).resolve()
        let client = try KubeClient(
            cluster: resolved.cluster, clusterName: resolved.clusterName, user: resolved.user, userName: resolved.userName, connectionLimit: 3)
        let backend = KubernetesBackend(client: client, namespace: "default", displayName: "fake")
        let logs = cluster.server.store.logs
        var followers: [LogCollector] = []
        for _ in 0..<3 {
            followers.append(LogCollector(try await backend.streamLogs(LogRequest(function: "tiny", instanceId: Self.tiny, follow: true))))
        }
        try await eventually(20, "3 follows open") { logs.openFollows == 3 }
        do {
            _ = try await backend.streamLogs(LogRequest(function: "tiny", instanceId: Self.tiny))
            XCTFail("every connection is held")
        } catch {
            XCTAssertEqual(error as? KubernetesError, .noConnection(server: cluster.server.url, limit: 3))
            XCTAssertTrue("\(error)".contains("all 3 may be held by open streams (followed logs, the pod watch), so close some"), "\(error)")
        }
        // One closed, the next request gets through.
        followers[0].task.cancel()
        try await eventually(20, "a follow to close") { logs.openFollows == 2 }
        let again = try await readAll(backend.streamLogs(LogRequest(function: "tiny", instanceId: Self.tiny)))
        XCTAssertEqual(again, "tiny: up, sleeping\n")
        for follower in followers { follower.task.cancel() }
        try await eventually(20, "the follows to close") { logs.openFollows == 0 }
        await backend.shutdown()
        await cluster.stop()
    }

    func testADroppedConnectionEndsTheStreamWithAnError() async throws {
        let cluster = try await TestCluster()
        let backend = try cluster.backend()
        let logs = cluster.server.store.logs
        let follower = LogCollector(try await backend.streamLogs(LogRequest(function: "tiny", instanceId: Self.tiny, follow: true)))
        try await eventually(20, "the follow to open") { logs.openFollows == 1 && !follower.text.isEmpty }
        logs.dropFollows()
        try await eventually(20, "the stream to end") { follower.end != nil }
        let failure = try XCTUnwrap(follower.failure)
        XCTAssertTrue(failure.contains("the log of default/\(Self.tiny) (container busybox) broke off before its end"), failure)
        XCTAssertTrue(failure.contains("read it again"), failure)
        await backend.shutdown()
        await cluster.stop()
    }

    func testPreviousRun() async throws {
        let cluster = try await TestCluster()
        let backend = try cluster.backend()
        let store = cluster.server.store
        // worker-0 waits in CrashLoopBackOff: its log is the crashed run's, with or without previous.
        let crashed = text(store.logs.lines("default", "worker-0", "worker", previous: true))
        XCTAssertTrue(crashed.contains("panic: dial tcp"), crashed)
        let current = try await readAll(backend.streamLogs(LogRequest(function: "worker", instanceId: "worker-0")))
        XCTAssertEqual(current, crashed)
        let previous = try await readAll(backend.streamLogs(LogRequest(function: "worker", instanceId: "worker-0", previous: true)))
        XCTAssertEqual(previous, crashed)
        // A container that never restarted has no previous run.
        do {
            _ = try await backend.streamLogs(LogRequest(function: "tiny", instanceId: Self.tiny, previous: true))
            XCTFail("no previous run")
        } catch {
            XCTAssertEqual(
                error as? KubernetesError,
                .logUnavailable(
                    pod: "default/\(Self.tiny)", container: "busybox",
                    message: "previous terminated container \"busybox\" in pod \"\(Self.tiny)\" not found",
                    advice: "the container has not restarted, so there is no previous run: read its current log instead (without -p/--previous)"))
        }
        // After a restart the old run is the previous one and the new run starts empty.
        store.restartContainer("default", Self.tiny, container: "busybox", exitCode: 2)
        store.appendLog("default", Self.tiny, container: "busybox", "tiny: up again")
        let old = try await readAll(backend.streamLogs(LogRequest(function: "tiny", instanceId: Self.tiny, previous: true)))
        XCTAssertEqual(old, "tiny: up, sleeping\n")
        let new = try await readAll(backend.streamLogs(LogRequest(function: "tiny", instanceId: Self.tiny)))
        XCTAssertEqual(new, "tiny: up again\n")
        let instances = try await backend.listInstances(function: nil)
        XCTAssertEqual(instances.first { $0.instanceId == Self.tiny }?.status, .running)
        await backend.shutdown()
        await cluster.stop()
    }

    func testContainersWithoutALogSayWhy() async throws {
        let cluster = try await TestCluster()
        let store = cluster.server.store
        store.put(pod: FakeFixtures.pod(
            "default", "tiny-5c6d7e8f9-new01", labels: ["app": "tiny"], owner: ("ReplicaSet", "tiny-5c6d7e8f9"),
            containers: [FakeFixtures.container("busybox", "busybox:1.36", requests: (nil, nil), limits: (nil, nil))],
            phase: "Pending", node: "kind-worker", created: FakeFixtures.created, waiting: "ContainerCreating"))
        let backend = try cluster.backend()
        do {
            _ = try await backend.streamLogs(LogRequest(function: "tiny", instanceId: "tiny-5c6d7e8f9-new01", follow: true))
            XCTFail("the container has not started")
        } catch {
            let text = "\(error)"
            XCTAssertTrue(text.contains("container \"busybox\" in pod \"tiny-5c6d7e8f9-new01\" is waiting to start: ContainerCreating"), text)
            XCTAssertTrue(text.contains("it has not started yet (its image and volumes come first): wait for it"), text)
        }
        // Not scheduled: the server would stream nothing (204); porthole says why.
        do {
            _ = try await backend.streamLogs(LogRequest(function: "web", instanceId: "web-6b7f9d4c8-pend1"))
            XCTFail("unscheduled")
        } catch {
            XCTAssertTrue("\(error)".contains("the pod is not scheduled to a node yet (Pending), so no container has run"), "\(error)")
        }
        do {
            _ = try await backend.streamLogs(LogRequest(function: "web", instanceId: "web-gone"))
            XCTFail("no such pod")
        } catch {
            XCTAssertEqual("\(error)", "pods \"web-gone\" not found in namespace default; run `porthole instances` to list the pods (a replaced pod has a new name)")
        }
        await backend.shutdown()
        await cluster.stop()
    }

    func testRefusedCredentials() async throws {
        let cluster = try await TestCluster()
        let lister = try cluster.backend(user: "token: \(TestCluster.logForbiddenToken)")
        do {
            _ = try await lister.streamLogs(LogRequest(function: "web", instanceId: Self.web))
            XCTFail("RBAC refuses pods/log")
        } catch {
            XCTAssertEqual(
                "\(error)",
                "pods \"\(Self.web)\" is forbidden: User \"lister\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"default\" (HTTP 403); ask your cluster admin for a Role granting `get pods/log` in namespace default (check with `kubectl auth can-i get pods/log -n default`)")
        }
        let expired = try cluster.backend(user: "token: \(TestCluster.expiredToken)")
        do {
            _ = try await expired.streamLogs(LogRequest(function: "web", instanceId: Self.web))
            XCTFail("expired token")
        } catch {
            XCTAssertTrue("\(error)".contains("HTTP 401") && "\(error)".contains("log in again"), "\(error)")
        }
        await lister.shutdown()
        await expired.shutdown()
        await cluster.stop()
    }

    func testAStreamRefusedWithA401RunsThePluginAgainOnce() async throws {
        let cluster = try await TestCluster()
        // The plugin's first token was revoked server-side though it has not expired; its next one works.
        let counter = cluster.directory + "/runs"
        let script = cluster.directory + "/plugin.sh"
        let expiry = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
        try """
            #!/bin/sh
            echo run >> \(counter)
            token=\(TestCluster.token)
            [ "$(wc -l < \(counter))" -eq 1 ] && token=\(TestCluster.expiredToken)
            printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s","expirationTimestamp":"%s"}}\\n' "$token" "\(expiry)"
            """.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let backend = try cluster.backend(user: "exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: \(script)")
        let stream = try await backend.client.stream(
            "/api/v1/namespaces/default/pods/\(Self.tiny)/log?container=busybox", accept: "application/json, */*",
            purpose: .init(verb: "get", resource: "pods/log", namespace: "default"), what: "the log")
        let log = try await readAll(stream)
        XCTAssertEqual(log, "tiny: up, sleeping\n")
        XCTAssertEqual(backend.client.pluginRuns, 2)
        await backend.shutdown()
        await cluster.stop()
    }

    /// The fake's own answers where porthole does not go: what a plain client of the API sees.
    func testTheFakeAnswersAsTheAPIServer() async throws {
        let cluster = try await TestCluster()
        let backend = try cluster.backend()
        let client = backend.client
        let purpose = KubeClient.Purpose(verb: "get", resource: "pods/log", namespace: "default")
        let base = "/api/v1/namespaces/default/pods"
        // No container on a pod with two: the server does not apply the annotation.
        let (status, body) = try await client.send("\(base)/\(Self.hello)/log", accept: "application/json, */*", purpose: purpose)
        XCTAssertEqual(status, 400)
        XCTAssertEqual(
            client.error(status: status, body: body, purpose: purpose),
            .api(status: 400, reason: "BadRequest", message: "a container name must be specified for pod \(Self.hello), choose one of: [user-container queue-proxy]"))
        let (unknown, unknownBody) = try await client.send("\(base)/\(Self.hello)/log?container=sidecar", accept: "application/json", purpose: purpose)
        XCTAssertEqual(unknown, 400)
        XCTAssertTrue(String(decoding: unknownBody, as: UTF8.self).contains("container sidecar is not valid for pod \(Self.hello)"))
        // Unscheduled: 204, nothing.
        let (pending, pendingBody) = try await client.send("\(base)/web-6b7f9d4c8-pend1/log", accept: "application/json", purpose: purpose)
        XCTAssertEqual(pending, 204)
        XCTAssertEqual(pendingBody, [])
        // timestamps: RFC3339Nano and a space before each line; limitBytes cuts mid-line.
        let (stamped, stampedBody) = try await client.send("\(base)/\(Self.web)/log?timestamps=true&tailLines=2", accept: "application/json", purpose: purpose)
        XCTAssertEqual(stamped, 200)
        let lines = String(decoding: stampedBody, as: UTF8.self).split(separator: "\n").map(String.init)
        let stored = try XCTUnwrap(cluster.server.store.logs.lines("default", Self.web, "nginx")).suffix(2)
        XCTAssertEqual(lines, stored.map { "\(FakeLogStampReference.format($0.time)) \($0.text)" })
        XCTAssertTrue(lines.allSatisfy { $0.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z "#, options: .regularExpression) != nil }, "\(lines)")
        let (_, limited) = try await client.send("\(base)/\(Self.web)/log?limitBytes=12", accept: "application/json", purpose: purpose)
        XCTAssertEqual(String(decoding: limited, as: UTF8.self), "/docker-entr")
        let (invalid, invalidBody) = try await client.send("\(base)/\(Self.web)/log?tailLines=-3", accept: "application/json", purpose: purpose)
        XCTAssertEqual(invalid, 422)
        XCTAssertTrue(String(decoding: invalidBody, as: UTF8.self).contains("tailLines: Invalid value: -3: must be greater than or equal to 0"))
        await backend.shutdown()
        await cluster.stop()
    }
}

/// RFC3339Nano as Go prints it, written again here so the fake's own formatter is checked, not trusted.
enum FakeLogStampReference {
    static func format(_ time: Date) -> String {
        let whole = time.timeIntervalSince1970.rounded(.down)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: whole))
        var out = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
        let nanos = Int(((time.timeIntervalSince1970 - whole) * 1e9).rounded())
        if nanos > 0 {
            out += "." + String(format: "%09d", nanos).replacingOccurrences(of: "0+$", with: "", options: .regularExpression)
        }
        return out + "Z"
    }
}

/// The text a log's lines make, one `\n` after each.
func text(_ lines: [FakePodLogs.Line]?) -> String {
    (lines ?? []).map { $0.text + "\n" }.joined()
}

/// The first chunk of a stream, which is then let go of.
func firstChunk(of stream: LogStream) async throws -> [UInt8]? {
    for try await chunk in stream { return chunk }
    return nil
}

/// Reads a log stream to its end (fails after `seconds`).
func readAll(_ stream: LogStream, seconds: Double = 20) async throws -> String {
    let collector = LogCollector(stream)
    try await eventually(seconds, "the log stream to end") { collector.end != nil }
    collector.task.cancel()
    if let failure = collector.failure { throw LogReadFailure(message: failure) }
    return collector.text
}

struct LogReadFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Reads a log stream in its own task, keeping what came and how it ended.
final class LogCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    private var ending: String??
    private(set) var task: Task<Void, Never>!

    init(_ stream: LogStream) {
        task = Task { [self] in
            do {
                for try await chunk in stream { lock.withLock { bytes += chunk } }
                lock.withLock { ending = .some(nil) }
            } catch {
                lock.withLock { ending = .some("\(error)") }
            }
        }
    }

    var text: String { lock.withLock { String(decoding: bytes, as: UTF8.self) } }
    /// nil while the stream is open; then .some(nil) for a clean end, .some(message) for a failure.
    var end: String?? { lock.withLock { ending } }
    var failure: String? { end ?? nil }
}
