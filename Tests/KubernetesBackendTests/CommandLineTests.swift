import Foundation
import KubernetesFake
import Platform
import XCTest

/// The `porthole` binary's commands on a cluster, flags as a kubectl user types them.
final class CommandLineTests: XCTestCase {
    static let porthole = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/debug/porthole").path

    func testFunctionsInstancesAndExecWithKubeFlags() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.porthole) else {
            throw XCTSkip("build porthole first (swift build --build-tests)")
        }
        let cluster = try await TestCluster()
        let config = try cluster.kubeconfig(user: cluster.tokenUser)
        let env = ["HOME": cluster.directory, "PATH": "/usr/bin:/bin", "KUBECONFIG": config]

        let functions = try runProcess([Self.porthole, "functions", "-A"], environment: env, timeout: 60)
        XCTAssertEqual(functions.status, 0, functions.output)
        XCTAssertTrue(functions.output.contains("openfaas-fn/figlet"), functions.output)
        XCTAssertTrue(functions.output.contains("OpenFaaS in namespace openfaas-fn"), functions.output)
        let lines = functions.output.split(separator: "\n").map(String.init)
        let helloLine = try XCTUnwrap(lines.first { $0.hasPrefix("default/hello ") }, functions.output)
        XCTAssertTrue(helloLine.contains("Knative in namespace default") && helloLine.hasSuffix(" 10"), helloLine)
        let sleepy = try XCTUnwrap(lines.first { $0.hasPrefix("default/sleepy ") }, functions.output)
        XCTAssertTrue(sleepy.contains(" 0 ") && sleepy.hasSuffix("unlimited"), "scaled to zero, unlimited: \(sleepy)")
        let nightly = try XCTUnwrap(lines.first { $0.hasPrefix("default/nightly ") }, functions.output)
        XCTAssertTrue(nightly.contains(" 0 ") && nightly.hasSuffix("—"), "replicas 0, no concurrency stated: \(nightly)")

        let instances = try runProcess([Self.porthole, "instances", "--kubeconfig", config, "-n", "default"], environment: env, timeout: 60)
        XCTAssertEqual(instances.status, 0, instances.output)
        let worker = try XCTUnwrap(instances.output.split(separator: "\n").first { $0.contains("worker-0") })
        XCTAssertTrue(worker.contains("CrashLoopBackOff") && worker.contains(" 7 ") && worker.contains("kind-worker"), String(worker))
        XCTAssertTrue(worker.contains("—"), "no metrics for this pod: dashes, not zeros: \(worker)")
        let web = try XCTUnwrap(instances.output.split(separator: "\n").first { $0.contains("web-6b7f9d4c8-x2x9k") })
        XCTAssertTrue(web.contains("50m") && web.contains(" 20 ") && web.contains(" 10 "), String(web))  // 50m of 250m request, 500m limit
        XCTAssertTrue(web.contains(" deploy ") && worker.contains(" sts "), "the workload's kind: \(web)\n\(worker)")

        // JSON: the kind, no request counts the cluster does not keep, and the pod's containers.
        let json = try runProcess([Self.porthole, "instances", "-o", "json", "-n", "default"], environment: env, timeout: 60)
        XCTAssertEqual(json.status, 0, json.output)
        struct Listing: Decodable { var instances: [Instance] }
        let listing = try JSONDecoder().decode(Listing.self, from: Data(json.output.utf8))
        let hello = try XCTUnwrap(listing.instances.first { $0.instanceId.hasPrefix("hello-00001") })
        XCTAssertEqual(hello.metrics?.kind, "ksvc")
        XCTAssertEqual(hello.metrics?.requestsText, "—/10", "not counted, of the revision's containerConcurrency")
        XCTAssertEqual(hello.metrics?.execSessionsText, "—")
        XCTAssertEqual(hello.containers, ["user-container", "queue-proxy"])
        XCTAssertEqual(hello.defaultContainer, "user-container")
        let nginx = try XCTUnwrap(listing.instances.first { $0.instanceId == "web-6b7f9d4c8-x2x9k" })
        XCTAssertNil(nginx.containers, "one container: nothing to choose")
        XCTAssertEqual(nginx.metrics?.requestsText, "—", "neither counted nor limited")

        let exec = try runProcess(
            [Self.porthole, "exec", "--kube-context", "fake", "-c", "queue-proxy", "hello-00001-deployment-7d9f8c6b5-abcde", "--",
             "sh", "-c", "echo in-$FAKE_CONTAINER; exit 9"],
            environment: env, timeout: 60)
        XCTAssertEqual(exec.status, 9, exec.output)
        XCTAssertEqual(exec.output, "in-queue-proxy\n")

        let forbidden = try runProcess(
            [Self.porthole, "exec", "web-6b7f9d4c8-pend1", "-n", "default", "--", "true"], environment: env, timeout: 60)
        XCTAssertEqual(forbidden.status, 1, forbidden.output)
        XCTAssertTrue(forbidden.output.contains("does not have a host assigned"), forbidden.output)
        await cluster.stop()
    }

    func testLogsOnACluster() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.porthole) else {
            throw XCTSkip("build porthole first (swift build --build-tests)")
        }
        let cluster = try await TestCluster()
        let config = try cluster.kubeconfig(user: cluster.tokenUser)
        let env = ["HOME": cluster.directory, "PATH": "/usr/bin:/bin"]
        let logs = cluster.server.store.logs
        let hello = "hello-00001-deployment-7d9f8c6b5-abcde", tiny = "tiny-5c6d7e8f9-b7b7b"

        let whole = try runProcess([Self.porthole, "logs", "--kubeconfig", config, "web-6b7f9d4c8-x2x9k"], environment: env, timeout: 60)
        XCTAssertEqual(whole.status, 0, whole.output)
        XCTAssertEqual(whole.output, text(logs.lines("default", "web-6b7f9d4c8-x2x9k", "nginx")))
        let proxy = try runProcess(
            [Self.porthole, "logs", "--kubeconfig", config, "-c", "queue-proxy", "--tail", "1", hello], environment: env, timeout: 60)
        XCTAssertEqual(proxy.output, text(logs.lines("default", hello, "queue-proxy").map { Array($0.suffix(1)) }))
        let crashed = try runProcess([Self.porthole, "logs", "--kubeconfig", config, "-p", "worker-0"], environment: env, timeout: 60)
        XCTAssertEqual(crashed.output, text(logs.lines("default", "worker-0", "worker", previous: true)))
        let everywhere = try runProcess(
            [Self.porthole, "logs", "--kubeconfig", config, "-A", "--tail", "1", "openfaas-fn/figlet-5d8f7b9c4-q8w2z"], environment: env, timeout: 60)
        XCTAssertEqual(everywhere.output, "2026/01/01 10:00:03 Metrics listening on port: 8081\n")

        let refused = try runProcess([Self.porthole, "logs", "--kubeconfig", config, "-p", tiny], environment: env, timeout: 60)
        XCTAssertEqual(refused.status, 1, refused.output)
        XCTAssertEqual(
            refused.output,
            "porthole: no log to read from container busybox of pod default/\(tiny): previous terminated container \"busybox\" in pod \"\(tiny)\" not found; the container has not restarted, so there is no previous run: read its current log instead (without -p/--previous)\n")

        // -f: what is appended, then the end when the container exits.
        let follow = try StreamingProcess([Self.porthole, "logs", "--kubeconfig", config, "-f", tiny], environment: env)
        defer { follow.kill() }
        try await eventually(30, "porthole to print the log so far") { follow.output == "tiny: up, sleeping\n" }
        cluster.server.store.appendLog("default", tiny, container: "busybox", "porthole sees this\n")
        try await eventually(30, "porthole to print the appended line") { follow.output == "tiny: up, sleeping\nporthole sees this\n" }
        cluster.server.store.endContainer("default", tiny, container: "busybox")
        try await eventually(30, "porthole to exit when the container ends") { follow.exitStatus != nil }
        XCTAssertEqual(follow.exitStatus, 0, follow.output)
        XCTAssertEqual(logs.openFollows, 0)
        await cluster.stop()
    }

    /// `porthole logs --function` on a cluster: a function is a workload; every
    /// pod's lines behind its name; a pod whose log cannot be read (not scheduled)
    /// does not stop the others but makes the exit code 1; with -f a pod that
    /// appears is followed and one whose container ends is reported.
    func testFanOutLogsOnACluster() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.porthole) else {
            throw XCTSkip("build porthole first (swift build --build-tests)")
        }
        let cluster = try await TestCluster()
        let config = try cluster.kubeconfig(user: cluster.tokenUser)
        let env = ["HOME": cluster.directory, "PATH": "/usr/bin:/bin"]
        let store = cluster.server.store
        let running = "web-6b7f9d4c8-x2x9k", pending = "web-6b7f9d4c8-pend1"

        let web = try runProcess([Self.porthole, "logs", "--kubeconfig", config, "--function", "web"], environment: env, timeout: 60)
        XCTAssertEqual(web.status, 1, web.output)
        let prefixed = (store.logs.lines("default", running, "nginx") ?? []).map { "\(running) | \($0.text)\n" }.joined()
        XCTAssertTrue(web.output.contains(prefixed), web.output)
        XCTAssertTrue(web.output.contains("\(pending) | porthole: no log to read from container nginx of pod default/\(pending): the pod is not scheduled"), web.output)

        let unknown = try runProcess([Self.porthole, "logs", "--kubeconfig", config, "--function", "nope"], environment: env, timeout: 60)
        XCTAssertEqual(unknown.status, 1, unknown.output)
        XCTAssertTrue(unknown.output.hasPrefix("porthole: no function nope on "), unknown.output)

        let tiny = "tiny-5c6d7e8f9-b7b7b", joiner = "tiny-5c6d7e8f9-n3w01"
        let follow = try StreamingProcess([Self.porthole, "logs", "--kubeconfig", config, "-f", "--function", "tiny"], environment: env)
        defer { follow.kill() }
        try await eventually(30, "the log so far") { follow.output.contains("\(tiny) | tiny: up, sleeping\n") }
        store.put(pod: FakeFixtures.pod(
            "default", joiner, labels: ["app": "tiny", "pod-template-hash": "5c6d7e8f9"], owner: ("ReplicaSet", "tiny-5c6d7e8f9"),
            containers: [FakeFixtures.container("busybox", "busybox:1.36", requests: (nil, nil), limits: (nil, nil))],
            phase: "Running", node: "kind-worker", created: FakeFixtures.created))
        store.appendLog("default", joiner, container: "busybox", "the new pod speaks\n")
        try await eventually(30, "the new pod to be followed") { follow.output.contains("+ \(joiner)\n") }
        try await eventually(30, "the new pod's line") { follow.output.contains("\(joiner) | the new pod speaks\n") }
        store.appendLog("default", tiny, container: "busybox", "the old pod too\n")
        try await eventually(30, "the old pod's new line") { follow.output.contains("\(tiny) | the old pod too\n") }
        store.endContainer("default", joiner, container: "busybox")
        try await eventually(30, "the end of the new pod's log") { follow.output.contains("- \(joiner) (ended)\n") }
        XCTAssertNil(follow.exitStatus, "porthole logs -f --function stopped on its own: \(follow.output)")
        follow.kill()
        await cluster.stop()
    }
}
