import Foundation
import KubernetesBackend
import KubernetesFake
import Platform
import XCTest

final class ReadingTests: XCTestCase {
    func testQuantitySuffixes() {
        let cases: [(String, Double)] = [
            ("43629237n", 0.043629237), ("250u", 0.00025), ("250m", 0.25), ("2", 2), ("1.5", 1.5), ("3k", 3000),
            ("5M", 5e6), ("2G", 2e9), ("1T", 1e12), ("1P", 1e15), ("1E", 1e18), ("634824Ki", 634824 * 1024.0),
            ("128Mi", 128 * 1048576.0), ("1Gi", 1073741824), ("1Ti", pow(1024, 4)), ("1Pi", pow(1024, 5)), ("1Ei", pow(1024, 6)),
            ("2e3", 2000), ("5E-1", 0.5), ("-1", -1), ("+7m", 0.007), (" 250m ", 0.25), ("1.5Gi", 1.5 * 1073741824),
        ]
        for (text, value) in cases {
            let parsed = Quantity.parse(text)
            XCTAssertNotNil(parsed, text)
            XCTAssertEqual(parsed ?? .nan, value, accuracy: abs(value) * 1e-9, text)
        }
        for bad in ["", "Mi", "12x", "1.2.3Ki", "abc"] { XCTAssertNil(Quantity.parse(bad), bad) }
    }

    private func pod(_ object: JSONObject) throws -> Pod {
        try JSONDecoder().decode(Pod.self, from: JSONSerialization.data(withJSONObject: object))
    }

    func testStatusAsAnOperatorReadsIt() throws {
        let store = FakeKubeStore()
        FakeFixtures.load(into: store)
        func reading(_ namespace: String, _ name: String) throws -> PodReading {
            PodReading(pod: try pod(XCTUnwrap(store.pod(namespace, name))), metrics: nil)
        }
        XCTAssertEqual(try reading("default", "worker-0").status, "CrashLoopBackOff")
        XCTAssertEqual(try reading("default", "worker-0").phase, .running)
        XCTAssertEqual(try reading("default", "worker-0").restarts, 7)
        XCTAssertEqual(try reading("default", "web-6b7f9d4c8-pend1").status, "Pending")
        XCTAssertEqual(try reading("default", "web-6b7f9d4c8-pend1").phase, .starting)
        XCTAssertNil(try reading("default", "web-6b7f9d4c8-pend1").node)
        XCTAssertEqual(try reading("default", "web-migrate").status, "Completed")
        XCTAssertEqual(try reading("default", "web-migrate").phase, .released)
        XCTAssertEqual(try reading("default", "web-6b7f9d4c8-x2x9k").node, "kind-worker2")
        var terminating = try XCTUnwrap(store.pod("default", "web-6b7f9d4c8-x2x9k"))
        var metadata = terminating["metadata"] as? JSONObject ?? [:]
        metadata["deletionTimestamp"] = "2026-01-01T11:00:00Z"
        terminating["metadata"] = metadata
        let gone = PodReading(pod: try pod(terminating), metrics: nil)
        XCTAssertEqual(gone.status, "Terminating")
        XCTAssertEqual(gone.phase, .stopping)
    }

    /// k9s: usage summed over containers; requests fall back to limits; a
    /// denominator that does not exist gives no figure.
    func testMetricsAgainstRequestsAndLimits() throws {
        let store = FakeKubeStore()
        FakeFixtures.load(into: store)
        let knative = try pod(XCTUnwrap(store.pod("default", "hello-00001-deployment-7d9f8c6b5-abcde")))
        let usage = try JSONDecoder().decode(PodMetrics.self, from: JSONSerialization.data(withJSONObject: XCTUnwrap(
            store.listMetrics(namespace: "default").first { ($0["metadata"] as? JSONObject)?["name"] as? String == knative.metadata.name })))
        let r = PodReading(pod: knative, metrics: usage)
        XCTAssertEqual(r.cpuMillicores ?? 0, 43.629237 + 1, accuracy: 1e-6)
        XCTAssertEqual(r.memoryBytes ?? 0, 65536 * 1024 + 12 * 1048576, accuracy: 1)
        XCTAssertEqual(r.cpuRequest ?? 0, 125, accuracy: 1e-9)  // 100m + 25m
        XCTAssertEqual(r.cpuLimit ?? 0, 1000, accuracy: 1e-9)  // queue-proxy has none: only user-container's counts
        XCTAssertEqual(r.memoryLimit ?? 0, 256 * 1048576, accuracy: 1)
        XCTAssertEqual(r.cpuPercentOfRequest ?? 0, 44.629237 / 125 * 100, accuracy: 1e-6)
        XCTAssertEqual(r.memoryPercentOfLimit ?? 0, Double(65536 * 1024 + 12 * 1048576) / (256 * 1048576) * 100, accuracy: 1e-6)
        // No metrics: no usage figures at all, not zeros.
        let bare = PodReading(pod: knative, metrics: nil)
        XCTAssertNil(bare.cpuMillicores)
        XCTAssertNil(bare.cpuPercentOfRequest)
        // No limits set: no %/L.
        let worker = PodReading(pod: try pod(XCTUnwrap(store.pod("default", "worker-0"))), metrics: nil)
        XCTAssertNil(worker.cpuLimit)
        XCTAssertNil(worker.memoryLimit)
    }

    func testFunctionsFromLabelsAndOwners() throws {
        let store = FakeKubeStore()
        FakeFixtures.load(into: store)
        let owners = ["default/web-6b7f9d4c8": OwnerReference(kind: "Deployment", name: "web", controller: true)]
        func identity(_ namespace: String, _ name: String) throws -> FunctionIdentity? {
            FunctionIdentity.of(try pod(XCTUnwrap(store.pod(namespace, name))), replicaSetOwners: owners)
        }
        XCTAssertEqual(try identity("default", "hello-00001-deployment-7d9f8c6b5-abcde"),
                       FunctionIdentity(namespace: "default", name: "hello", kind: "Knative", version: "hello-00001"))
        XCTAssertEqual(try identity("openfaas-fn", "figlet-5d8f7b9c4-q8w2z"), FunctionIdentity(namespace: "openfaas-fn", name: "figlet", kind: "OpenFaaS"))
        XCTAssertEqual(try identity("default", "web-6b7f9d4c8-x2x9k"), FunctionIdentity(namespace: "default", name: "web", kind: "Deployment"))
        XCTAssertEqual(try identity("default", "worker-0"), FunctionIdentity(namespace: "default", name: "worker", kind: "StatefulSet"))
        // Matches web's labels, but web does not own it.
        XCTAssertNil(try identity("default", "web-migrate"))
        var labels = ["functionName": "resize", "executorType": "poolmgr"]
        XCTAssertEqual(FunctionIdentity.of(try pod(FakeFixtures.pod("fission-function", "poolmgr-x", labels: labels, owner: nil, containers: [], phase: "Running", node: "n", created: FakeFixtures.created)), replicaSetOwners: [:])?.kind, "Fission")
        labels = ["nuclio.io/function-name": "thumb"]
        XCTAssertEqual(FunctionIdentity.of(try pod(FakeFixtures.pod("nuclio", "thumb-1", labels: labels, owner: nil, containers: [], phase: "Running", node: "n", created: FakeFixtures.created)), replicaSetOwners: [:])?.name, "thumb")
    }
}

final class TimeTests: XCTestCase {
    func testRFC3339AsTheAPIWritesIt() throws {
        let pod = { (stamp: String) throws -> Pod in
            try JSONDecoder().decode(Pod.self, from: Data("{\"metadata\":{\"creationTimestamp\":\"\(stamp)\"}}".utf8))
        }
        let reference = ISO8601DateFormatter().date(from: "2024-02-29T23:59:58Z")!
        for (stamp, shift) in [("2024-02-29T23:59:58Z", 0.0), ("2024-02-29T23:59:58.25Z", 0.25), ("2024-03-01T01:59:58+02:00", 0), ("2024-02-29T20:59:58-03:00", 0)] {
            let created = try XCTUnwrap(PodReading(pod: pod(stamp), metrics: nil).created, stamp)
            XCTAssertEqual(created.timeIntervalSince1970, reference.timeIntervalSince1970 + shift, accuracy: 1e-6, stamp)
        }
        for bad in ["2024-02-29", "2024-13-01T00:00:00Z", "2024-02-29T23:59:58", "yesterday"] {
            XCTAssertNil(PodReading(pod: try pod(bad), metrics: nil).created, bad)
        }
    }
}
