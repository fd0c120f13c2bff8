import Foundation
import KubernetesBackend
import KubernetesFake
import Platform
import XCTest

final class ListWatchTests: XCTestCase {
    func testInstancesAcrossNamespacesWithMetrics() async throws {
        let cluster = try await TestCluster()
        let backend = try cluster.backend(allNamespaces: true)
        let functions = try await backend.listFunctions()
        XCTAssertEqual(functions.map(\.functionName), [
            "default/hello", "default/nightly", "default/sleepy", "default/tiny", "default/web", "default/worker", "openfaas-fn/figlet",
        ])
        XCTAssertEqual(functions.first { $0.functionName == "openfaas-fn/figlet" }?.description, "OpenFaaS in namespace openfaas-fn")
        let instances = try await backend.listInstances(function: nil)
        XCTAssertFalse(instances.contains { $0.instanceId.contains("web-migrate") }, "not owned by web")
        let hello = try XCTUnwrap(instances.first { $0.functionName == "default/hello" })
        XCTAssertEqual(hello.instanceId, "default/hello-00001-deployment-7d9f8c6b5-abcde")
        XCTAssertEqual(hello.versionId, "hello-00001")
        XCTAssertEqual(hello.status, .running)
        XCTAssertEqual(hello.metrics?.cpuPercent ?? 0, 4.4629237, accuracy: 1e-6)
        XCTAssertEqual(hello.metrics?.memoryLimitBytes, 256 * 1048576)
        XCTAssertEqual(hello.metrics?.instanceConcurrency, 10, "the revision's containerConcurrency")
        XCTAssertEqual(hello.metrics?.requestsText, "—/10")
        let worker = try XCTUnwrap(instances.first { $0.functionName == "default/worker" })
        XCTAssertEqual(worker.metrics?.endReason, "CrashLoopBackOff")
        XCTAssertNil(worker.metrics?.cpuPercent, "no metrics for it: no figure")
        let detail = try await backend.describeInstance(function: "default/web", id: "default/web-6b7f9d4c8-x2x9k")
        XCTAssertEqual(detail.facts["restarts"], "2")
        XCTAssertEqual(detail.facts["node"], "kind-worker2")
        XCTAssertEqual(detail.facts["%cpu/r"], "20%")  // 50m of 250m
        XCTAssertEqual(detail.facts["%mem/l"], "25%")  // 32Mi of 128Mi
        await backend.shutdown()

        // Without a metrics server every usage figure is absent, never zero.
        cluster.server.store.removeAllMetrics()
        let bare = try cluster.backend()
        let noMetrics = try await bare.listInstances(function: "hello")
        XCTAssertEqual(noMetrics.count, 1)
        XCTAssertNil(noMetrics[0].metrics?.cpuPercent)
        XCTAssertNil(noMetrics[0].metrics?.memoryBytes)
        await bare.shutdown()
        await cluster.stop()
    }

    /// Functions with no pods are still functions: a Knative Service scaled to
    /// zero and a Deployment at `replicas: 0` list with 0 instances; Knative's
    /// `containerConcurrency` is the function's concurrency (0: unlimited), and
    /// other kinds state none. The Deployment Knative makes for a revision is
    /// not a function of its own.
    func testScaledToZeroWorkloadsAndKnativeConcurrency() async throws {
        let cluster = try await TestCluster()
        let backend = try cluster.backend()
        let functions = try await backend.listFunctions()
        func function(_ name: String) throws -> Function { try XCTUnwrap(functions.first { $0.functionName == name }, "\(functions)") }
        XCTAssertFalse(functions.contains { $0.functionName.contains("-deployment") }, "\(functions.map(\.functionName))")
        XCTAssertEqual(try function("hello").instanceConcurrency, 10)
        XCTAssertEqual(try function("hello").liveInstances, 1)
        XCTAssertEqual(try function("sleepy").instanceConcurrency, 0)
        XCTAssertEqual(try function("sleepy").liveInstances, 0)
        XCTAssertEqual(try function("sleepy").runtime, "knative")
        XCTAssertEqual(try function("nightly").liveInstances, 0)
        XCTAssertEqual(try function("nightly").runtime, "deployment")
        XCTAssertNil(try function("nightly").instanceConcurrency)
        XCTAssertNil(try function("web").instanceConcurrency)
        let sleepy = try await backend.listInstances(function: "sleepy")
        XCTAssertEqual(sleepy, [])
        let detail = try await backend.describeInstance(function: "hello", id: "hello-00001-deployment-7d9f8c6b5-abcde")
        XCTAssertEqual(detail.facts["concurrency"], "10 (containerConcurrency)")
        await backend.shutdown()

        // A cluster without Knative (404 on its group) still lists its Deployments.
        let plain = FakeKubeStore()
        plain.put("deployments", FakeFixtures.workload("default", "batch", labels: ["app": "batch"], replicas: 0))
        let bare = try await TestCluster(store: plain) { $0.knative = false }
        let bareBackend = try bare.backend()
        let bareFunctions = try await bareBackend.listFunctions()
        XCTAssertEqual(bareFunctions.map(\.functionName), ["batch"])
        XCTAssertEqual(bareFunctions.first?.liveInstances, 0)
        await bareBackend.shutdown()
        await bare.stop()
        await cluster.stop()
    }

    /// One paged list, then a watch keeps the table current; a 410 makes it list again.
    func testPagedListThenWatchThenRelistOnGone() async throws {
        let cluster = try await TestCluster()
        let backend = try cluster.backend(pageSize: 2)
        let first = try await backend.listInstances(function: "web")
        XCTAssertEqual(first.count, 2)
        let pages = cluster.server.requests.filter { $0.hasPrefix("GET /api/v1/namespaces/default/pods?") && !$0.contains("watch=") }
        XCTAssertEqual(pages.first, "GET /api/v1/namespaces/default/pods?limit=2&resourceVersion=0")
        XCTAssertEqual(pages.count, 3, "6 pods in pages of 2: \(pages)")
        XCTAssertTrue(pages.dropFirst().allSatisfy { $0.contains("continue=") && !$0.contains("resourceVersion") })

        // A new pod arrives through the watch, not through another list.
        var pod = try XCTUnwrap(cluster.server.store.pod("default", "web-6b7f9d4c8-x2x9k"))
        var metadata = pod["metadata"] as? JSONObject ?? [:]
        metadata["name"] = "web-6b7f9d4c8-new01"
        pod["metadata"] = metadata
        cluster.server.store.put(pod: pod)
        try await eventually(10, "the new pod through the watch") {
            try await backend.listInstances(function: "web").count == 3
        }
        cluster.server.store.delete(pod: "default", "web-6b7f9d4c8-pend1")
        try await eventually(10, "the deleted pod gone") {
            try await backend.listInstances(function: "web").count == 2
        }
        XCTAssertEqual(backend.pods.counters.lists, 1)
        try await eventually(10, "a bookmark") { backend.pods.counters.bookmarks > 0 }
        XCTAssertTrue(cluster.server.requests.contains { $0.contains("watch=1") && $0.contains("allowWatchBookmarks=true") })

        // The server drops the watch with 410 Gone: the cache lists again and stays right.
        cluster.server.store.expireWatches()
        cluster.server.store.delete(pod: "default", "web-6b7f9d4c8-new01")
        try await eventually(10, "a relist after 410") { backend.pods.counters.gone == 1 && backend.pods.counters.lists == 2 }
        try await eventually(10, "the table current again") {
            try await backend.listInstances(function: "web").map(\.instanceId) == ["web-6b7f9d4c8-x2x9k"]
        }
        await backend.shutdown()
        await cluster.stop()
    }
}
