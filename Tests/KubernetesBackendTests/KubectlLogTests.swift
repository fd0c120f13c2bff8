import Foundation
import KubernetesBackend
import KubernetesFake
import Platform
import XCTest

/// `kubectl logs` 1.32 against the fake's `pods/log`, case by case beside
/// `KubernetesBackend.streamLogs`: both must print what the fake's containers
/// wrote, and refuse with the server's sentence.
final class KubectlLogTests: XCTestCase {
    static let hello = "hello-00001-deployment-7d9f8c6b5-abcde"
    static let web = "web-6b7f9d4c8-x2x9k"
    static let tiny = "tiny-5c6d7e8f9-b7b7b"

    private struct Kubectl {
        var binary: String
        var config: String
        var environment: [String: String]

        func logs(_ arguments: [String], config other: String? = nil) throws -> ProcessResult {
            try runProcess([binary, "--kubeconfig", other ?? config, "logs"] + arguments, environment: environment, timeout: 60)
        }
    }

    private func kubectl(_ cluster: TestCluster) throws -> Kubectl {
        let binary = try KubectlTests.kubectl()
        let home = cluster.directory + "/home"  // kubectl's discovery cache goes here, not in the real ~/.kube
        return Kubectl(
            binary: binary, config: try cluster.kubeconfig(user: cluster.tokenUser),
            environment: ["HOME": home, "KUBECACHEDIR": home + "/cache", "PATH": "/usr/bin:/bin"])
    }

    func testLogsTailContainerAndPreviousAgreeWithTheFakeAndTheBackend() async throws {
        let cluster = try await TestCluster()
        let kubectl = try kubectl(cluster)
        let backend = try cluster.backend()
        let logs = cluster.server.store.logs

        // The whole log of a one-container pod.
        let nginx = text(logs.lines("default", Self.web, "nginx"))
        let full = try kubectl.logs([Self.web])
        XCTAssertEqual(full.status, 0, full.output)
        XCTAssertEqual(full.output, nginx)
        // What kubectl asks for (the pod first, then its log), and accepts.
        let asked = cluster.server.requests.filter { $0.contains("/pods/\(Self.web)") || $0.hasPrefix("ACCEPT ") }
        XCTAssertEqual(asked, [
            "GET /api/v1/namespaces/default/pods/\(Self.web)", "GET /api/v1/namespaces/default/pods/\(Self.web)/log?container=nginx",
            "ACCEPT application/json, */*",
        ], "\(asked)")
        let fullBackend = try await readAll(backend.streamLogs(LogRequest(function: "web", instanceId: Self.web)))
        XCTAssertEqual(fullBackend, full.output)

        // --tail
        let tail = try kubectl.logs([Self.web, "--tail=2"])
        XCTAssertEqual(tail.output, text(logs.lines("default", Self.web, "nginx").map { Array($0.suffix(2)) }))
        XCTAssertTrue(cluster.server.requests.contains("GET /api/v1/namespaces/default/pods/\(Self.web)/log?container=nginx&tailLines=2"))
        let tailBackend = try await readAll(backend.streamLogs(LogRequest(function: "web", instanceId: Self.web, tailLines: 2)))
        XCTAssertEqual(tailBackend, tail.output)

        // Two containers: kubectl applies the default-container annotation (no "Defaulted container" note), or -c.
        let chosen = try kubectl.logs([Self.hello])
        XCTAssertEqual(chosen.output, text(logs.lines("default", Self.hello, "user-container")))
        let chosenBackend = try await readAll(backend.streamLogs(LogRequest(function: "hello", instanceId: Self.hello)))
        XCTAssertEqual(chosenBackend, chosen.output)
        let proxy = try kubectl.logs([Self.hello, "-c", "queue-proxy"])
        XCTAssertEqual(proxy.output, text(logs.lines("default", Self.hello, "queue-proxy")))
        let proxyBackend = try await readAll(backend.streamLogs(LogRequest(function: "hello", instanceId: Self.hello, container: "queue-proxy")))
        XCTAssertEqual(proxyBackend, proxy.output)

        // Two containers and no annotation: the first, with a note on stderr (kubectl), or silently (porthole).
        let store = cluster.server.store
        store.put(pod: FakeFixtures.pod(
            "default", "pair-1", labels: ["app": "pair"], owner: nil,
            containers: ["app", "sidecar"].map { FakeFixtures.container($0, "\($0):1", requests: (nil, nil), limits: (nil, nil)) },
            phase: "Running", node: "kind-worker", created: FakeFixtures.created))
        store.appendLog("default", "pair-1", container: "app", "app line\n")
        store.appendLog("default", "pair-1", container: "sidecar", "sidecar line\n")
        let first = try kubectl.logs(["pair-1"])
        XCTAssertEqual(first.output, "Defaulted container \"app\" out of: app, sidecar\napp line\n")
        let firstBackend = try await readAll(backend.streamLogs(LogRequest(function: "pair", instanceId: "pair-1")))
        XCTAssertEqual(firstBackend, "app line\n")

        // The crash-looping pod: its log is the crashed run's, with and without --previous.
        let crashed = text(logs.lines("default", "worker-0", "worker", previous: true))
        let current = try kubectl.logs(["worker-0"])
        XCTAssertEqual(current.output, crashed)
        let previous = try kubectl.logs(["worker-0", "--previous"])
        XCTAssertEqual(previous.status, 0, previous.output)
        XCTAssertEqual(previous.output, crashed)
        XCTAssertTrue(cluster.server.requests.contains("GET /api/v1/namespaces/default/pods/worker-0/log?container=worker&previous=true"))
        let previousBackend = try await readAll(backend.streamLogs(LogRequest(function: "worker", instanceId: "worker-0", previous: true)))
        XCTAssertEqual(previousBackend, crashed)

        // --timestamps, --limit-bytes, --since: accepted and applied as the kubelet does.
        let stamped = try kubectl.logs([Self.tiny, "--timestamps"])
        let line = try XCTUnwrap(logs.lines("default", Self.tiny, "busybox")?.first)
        XCTAssertEqual(stamped.output, "\(FakeLogStampReference.format(line.time)) tiny: up, sleeping\n")
        let limited = try kubectl.logs([Self.web, "--limit-bytes=12"])
        XCTAssertEqual(limited.output, "/docker-entr")
        let recent = try kubectl.logs([Self.web, "--since=1h"])
        XCTAssertEqual(recent.status, 0, recent.output)
        XCTAssertEqual(recent.output, "", "the fixture lines are 3 h old")
        cluster.server.store.appendLog("default", Self.web, container: "nginx", "a line from now")
        let recentAgain = try kubectl.logs([Self.web, "--since=1h"])
        XCTAssertEqual(recentAgain.output, "a line from now\n")

        await backend.shutdown()
        await cluster.stop()
    }

    func testRefusalsReadTheSameInKubectlAndPorthole() async throws {
        let cluster = try await TestCluster()
        let kubectl = try kubectl(cluster)
        let backend = try cluster.backend()
        cluster.server.store.put(pod: FakeFixtures.pod(
            "default", "tiny-5c6d7e8f9-new01", labels: ["app": "tiny"], owner: ("ReplicaSet", "tiny-5c6d7e8f9"),
            containers: [FakeFixtures.container("busybox", "busybox:1.36", requests: (nil, nil), limits: (nil, nil))],
            phase: "Pending", node: "kind-worker", created: FakeFixtures.created, waiting: "ContainerCreating"))

        func porthole(_ request: LogRequest, config: String?) async throws -> String {
            var reader = backend
            if let config {
                let resolved = try KubernetesSettings(kubeconfig: config).resolve()
                reader = KubernetesBackend(
                    client: try KubeClient(cluster: resolved.cluster, clusterName: resolved.clusterName, user: resolved.user, userName: resolved.userName),
                    namespace: resolved.namespace, displayName: "fake")
            }
            let answer: String
            do {
                answer = "no error: " + (try await readAll(reader.streamLogs(request)))
            } catch {
                answer = "\(error)"
            }
            if reader !== backend { await reader.shutdown() }
            return answer
        }

        let cases: [(arguments: [String], request: LogRequest, server: String, config: String?)] = [
            ([Self.tiny, "--previous"], LogRequest(function: "tiny", instanceId: Self.tiny, previous: true),
             "Error from server (BadRequest): previous terminated container \"busybox\" in pod \"\(Self.tiny)\" not found", nil),
            (["tiny-5c6d7e8f9-new01"], LogRequest(function: "tiny", instanceId: "tiny-5c6d7e8f9-new01"),
             "Error from server (BadRequest): container \"busybox\" in pod \"tiny-5c6d7e8f9-new01\" is waiting to start: ContainerCreating", nil),
            // kubectl reads the pod first, and words that 404 itself.
            (["web-gone"], LogRequest(function: "web", instanceId: "web-gone"),
             "error: error from server (NotFound): pods \"web-gone\" not found in namespace \"default\"", nil),
            ([Self.web], LogRequest(function: "web", instanceId: Self.web),
             "Error from server (Forbidden): pods \"\(Self.web)\" is forbidden: User \"lister\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"default\"",
             try cluster.kubeconfig(user: "token: \(TestCluster.logForbiddenToken)", name: "lister")),
        ]
        for (arguments, request, server, config) in cases {
            let answer = try kubectl.logs(arguments, config: config)
            XCTAssertNotEqual(answer.status, 0, answer.output)
            XCTAssertEqual(answer.output.trimmingCharacters(in: .whitespacesAndNewlines), server)
            // Porthole's error carries the server's message (after "Error from server (Reason): ").
            let message = String(server[server.range(of: "): ")!.upperBound...]).replacingOccurrences(of: " in namespace \"default\"", with: "")
            let ours = try await porthole(request, config: config)
            XCTAssertTrue(ours.contains(message), "kubectl: \(server)\nporthole: \(ours)")
        }
        await backend.shutdown()
        await cluster.stop()
    }

    func testFollowPrintsAppendedLinesAndExitsWhenTheContainerEnds() async throws {
        let cluster = try await TestCluster()
        let kubectl = try kubectl(cluster)
        let store = cluster.server.store
        let follow = try StreamingProcess([kubectl.binary, "--kubeconfig", kubectl.config, "logs", "-f", Self.tiny], environment: kubectl.environment)
        defer { follow.kill() }
        try await eventually(30, "kubectl to print the log so far") { follow.output == "tiny: up, sleeping\n" }
        XCTAssertTrue(cluster.server.requests.contains("GET /api/v1/namespaces/default/pods/\(Self.tiny)/log?container=busybox&follow=true"))
        XCTAssertEqual(store.logs.openFollows, 1)
        store.appendLog("default", Self.tiny, container: "busybox", "kubectl sees this\n")
        try await eventually(30, "kubectl to print the appended line") { follow.output == "tiny: up, sleeping\nkubectl sees this\n" }
        XCTAssertNil(follow.exitStatus)
        store.endContainer("default", Self.tiny, container: "busybox")
        try await eventually(30, "kubectl to exit when the container ends") { follow.exitStatus != nil }
        XCTAssertEqual(follow.exitStatus, 0, follow.output)
        XCTAssertEqual(follow.output, "tiny: up, sleeping\nkubectl sees this\n")
        XCTAssertEqual(store.logs.openFollows, 0)

        // kubectl stopped (Ctrl-C): its request is closed, as porthole's is.
        let second = try StreamingProcess([kubectl.binary, "--kubeconfig", kubectl.config, "logs", "-f", Self.web, "--tail=1"], environment: kubectl.environment)
        defer { second.kill() }
        try await eventually(30, "the second follow to open") { store.logs.openFollows == 1 && !second.output.isEmpty }
        second.interrupt()
        try await eventually(30, "the server to see kubectl go") { store.logs.openFollows == 0 }
        await cluster.stop()
    }
}

/// A process whose output is read as it comes (a `kubectl logs -f`); killed by pid.
final class StreamingProcess: @unchecked Sendable {
    private let process = Process()
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    private var status: Int32?

    init(_ argv: [String], environment: [String: String]) throws {
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        pipe.fileHandleForReading.readabilityHandler = { [self] handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
            } else {
                lock.withLock { bytes += data }
            }
        }
        process.terminationHandler = { [self] process in lock.withLock { status = process.terminationStatus } }
        try process.run()
    }

    var output: String { lock.withLock { String(decoding: bytes, as: UTF8.self) } }
    var exitStatus: Int32? { lock.withLock { status } }

    func interrupt() { if process.isRunning { Foundation.kill(process.processIdentifier, SIGINT) } }
    func kill() { if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) } }
}
