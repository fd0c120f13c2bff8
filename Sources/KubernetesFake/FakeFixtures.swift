import Foundation

/// Objects shaped like a real cluster's (fields as `kubectl get -o json` shows
/// them, trimmed to what clients read):
///
/// - `default`: a Knative Service `hello` (pod with `user-container` and
///   `queue-proxy`, the default-container annotation, ReplicaSet → Deployment);
///   a Deployment `web` with a Running pod, a Pending unscheduled pod, and a
///   Succeeded pod `web-migrate` that matches its labels but is not owned by
///   it; a StatefulSet `worker` whose pod is in CrashLoopBackOff; a `shell-only`
///   pod whose image has `sh` but no `bash`.
/// - Each container's log (`loadLogs`): worker-0's is its crashed last run.
/// - `openfaas-fn`: an OpenFaaS function `figlet`.
/// - Workloads as the cluster lists them: the Knative Services and Revisions
///   (`hello` at `containerConcurrency: 10`; `sleepy`, unlimited, scaled to
///   zero), each revision's Deployment, the Deployments and StatefulSet above,
///   and `nightly`, a Deployment at `replicas: 0` with no pods.
public enum FakeFixtures {
    public static let created = "2026-01-01T10:00:00Z"

    /// Loads the fixtures into `store`; `shellOnlyPath` is a directory with `sh`
    /// and no `bash` (the `shell-only` pod's PATH).
    public static func load(into store: FakeKubeStore, shellOnlyPath: String? = nil) {
        let started = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-3 * 3600))
        // Knative
        store.put(replicaSet: replicaSet("default", "hello-00001-deployment-7d9f8c6b5", owner: ("Deployment", "hello-00001-deployment")))
        store.put(pod: pod(
            "default", "hello-00001-deployment-7d9f8c6b5-abcde",
            labels: [
                "serving.knative.dev/service": "hello", "serving.knative.dev/configuration": "hello",
                "serving.knative.dev/revision": "hello-00001", "app": "hello-00001", "pod-template-hash": "7d9f8c6b5",
            ],
            annotations: ["kubectl.kubernetes.io/default-container": "user-container", "autoscaling.knative.dev/target": "10"],
            owner: ("ReplicaSet", "hello-00001-deployment-7d9f8c6b5"),
            containers: [
                container("user-container", "ghcr.io/knative/helloworld-go", requests: ("100m", "128Mi"), limits: ("1", "256Mi")),
                container("queue-proxy", "gcr.io/knative-releases/queue", requests: ("25m", "50Mi"), limits: (nil, nil)),
            ],
            phase: "Running", node: "kind-worker", created: started))
        store.put(metrics: metrics("default", "hello-00001-deployment-7d9f8c6b5-abcde", [
            ("user-container", "43629237n", "65536Ki"), ("queue-proxy", "1m", "12Mi"),
        ]))
        // Deployment web, its pods, and one look-alike it does not own
        store.put(replicaSet: replicaSet("default", "web-6b7f9d4c8", owner: ("Deployment", "web")))
        let webLabels = ["app": "web", "pod-template-hash": "6b7f9d4c8"]
        store.put(pod: pod(
            "default", "web-6b7f9d4c8-x2x9k", labels: webLabels, owner: ("ReplicaSet", "web-6b7f9d4c8"),
            containers: [container("nginx", "nginx:1.27", requests: ("250m", "64Mi"), limits: ("500m", "128Mi"))],
            phase: "Running", node: "kind-worker2", created: started, restarts: 2))
        store.put(metrics: metrics("default", "web-6b7f9d4c8-x2x9k", [("nginx", "0.05", "32Mi")]))
        store.put(pod: pod(
            "default", "web-6b7f9d4c8-pend1", labels: webLabels, owner: ("ReplicaSet", "web-6b7f9d4c8"),
            containers: [container("nginx", "nginx:1.27", requests: ("250m", "64Mi"), limits: ("500m", "128Mi"))],
            phase: "Pending", node: nil, created: started))
        store.put(pod: pod(
            "default", "web-migrate", labels: ["app": "web"], owner: nil,
            containers: [container("migrate", "web-migrations:3", requests: (nil, nil), limits: (nil, nil))],
            phase: "Succeeded", node: "kind-worker", created: started, terminated: "Completed"))
        // StatefulSet in a crash loop
        store.put(pod: pod(
            "default", "worker-0", labels: ["app": "worker"], owner: ("StatefulSet", "worker"),
            containers: [container("worker", "worker:2", requests: ("100m", "100Mi"), limits: (nil, nil))],
            phase: "Running", node: "kind-worker", created: started, restarts: 7, waiting: "CrashLoopBackOff", lastExitCode: 1))
        // A pod whose image has sh and no bash
        var annotations: [String: String] = [:]
        if let shellOnlyPath { annotations["fake.porthole/PATH"] = shellOnlyPath }
        store.put(replicaSet: replicaSet("default", "tiny-5c6d7e8f9", owner: ("Deployment", "tiny")))
        store.put(pod: pod(
            "default", "tiny-5c6d7e8f9-b7b7b", labels: ["app": "tiny", "pod-template-hash": "5c6d7e8f9"], annotations: annotations,
            owner: ("ReplicaSet", "tiny-5c6d7e8f9"),
            containers: [container("busybox", "busybox:1.36", requests: (nil, nil), limits: (nil, nil))],
            phase: "Running", node: "kind-worker", created: started))
        // OpenFaaS
        store.put(replicaSet: replicaSet("openfaas-fn", "figlet-5d8f7b9c4", owner: ("Deployment", "figlet")))
        store.put(pod: pod(
            "openfaas-fn", "figlet-5d8f7b9c4-q8w2z", labels: ["faas_function": "figlet", "pod-template-hash": "5d8f7b9c4"],
            owner: ("ReplicaSet", "figlet-5d8f7b9c4"),
            containers: [container("figlet", "ghcr.io/openfaas/figlet:latest", requests: ("50m", "20Mi"), limits: (nil, "128Mi"))],
            phase: "Running", node: "kind-worker2", created: started))
        store.put(metrics: metrics("openfaas-fn", "figlet-5d8f7b9c4-q8w2z", [("figlet", "2500u", "16777216")]))
        loadWorkloads(into: store)
        loadLogs(into: store.logs, started: Date().addingTimeInterval(-3 * 3600))
    }

    /// What each container has written, as its image would: the Knative pod's
    /// two containers, nginx's start and probes, a finished migration, the crash
    /// of worker-0's last run (its current run has not started: CrashLoopBackOff).
    static func loadLogs(into logs: FakePodLogs, started: Date) {
        func lines(_ texts: [String]) -> [FakePodLogs.Line] {
            texts.enumerated().map { FakePodLogs.Line(time: started.addingTimeInterval(Double($0.offset) * 1.5 + 0.25), text: $0.element) }
        }
        let hello = "hello-00001-deployment-7d9f8c6b5-abcde"
        logs.set("default", hello, "user-container", current: lines([
            "2026/01/01 10:00:01 helloworld: starting server...",
            "2026/01/01 10:00:01 helloworld: listening on port 8080",
            "2026/01/01 10:02:13 helloworld: received a request",
            "2026/01/01 10:02:14 helloworld: received a request",
        ]))
        logs.set("default", hello, "queue-proxy", current: lines([
            #"{"severity":"INFO","timestamp":"2026-01-01T10:00:00.8Z","logger":"queueproxy","caller":"sharedmain/main.go:271","message":"Starting queue-proxy","knative.dev/key":"default/hello-00001","knative.dev/pod":"hello-00001-deployment-7d9f8c6b5-abcde"}"#,
            #"{"severity":"INFO","timestamp":"2026-01-01T10:00:00.9Z","logger":"queueproxy","caller":"sharedmain/main.go:277","message":"Starting http server metrics:9090"}"#,
        ]))
        logs.set("default", "web-6b7f9d4c8-x2x9k", "nginx", current: lines([
            "/docker-entrypoint.sh: Configuration complete; ready for start up",
            "2026/01/01 10:00:02 [notice] 1#1: nginx/1.27.3",
            "2026/01/01 10:00:02 [notice] 1#1: start worker processes",
            #"10.244.1.1 - - [01/Jan/2026:10:00:12 +0000] "GET / HTTP/1.1" 200 615 "-" "kube-probe/1.32" "-""#,
            #"10.244.1.1 - - [01/Jan/2026:10:00:22 +0000] "GET / HTTP/1.1" 200 615 "-" "kube-probe/1.32" "-""#,
            #"10.244.2.7 - - [01/Jan/2026:10:01:40 +0000] "GET /api/items HTTP/1.1" 404 153 "-" "curl/8.5.0" "-""#,
        ]))
        logs.set("default", "web-migrate", "migrate", current: lines([
            "applying 0001_create_items ... ok",
            "applying 0002_add_item_owner ... ok",
            "applying 0003_index_item_owner ... ok",
            "3 migrations applied",
        ]), ended: true)
        logs.set("default", "worker-0", "worker", current: [], previous: lines([
            "worker 2.4.1 starting, 4 threads",
            "connecting to queue redis://queue:6379/0",
            "panic: dial tcp 10.96.0.12:6379: connect: connection refused",
            "",
            "goroutine 1 [running]:",
            "main.main()",
            "\t/src/cmd/worker/main.go:42 +0x1c5",
        ]))
        logs.set("default", "tiny-5c6d7e8f9-b7b7b", "busybox", current: lines(["tiny: up, sleeping"]))
        logs.set("openfaas-fn", "figlet-5d8f7b9c4-q8w2z", "figlet", current: lines([
            "2026/01/01 10:00:03 Version: 0.13.0\tSHA: fa93655d90d1518b04e7cfca7d7548d7d133a34e",
            "2026/01/01 10:00:03 Timeouts: read: 10s write: 10s hard: 10s health: 5s.",
            "2026/01/01 10:00:03 Listening on port: 8080",
            "2026/01/01 10:00:03 Writing lock-file to: /tmp/.lock",
            "2026/01/01 10:00:03 Metrics listening on port: 8081",
        ]))
    }

    /// The objects that own the pods above, and two workloads scaled to zero.
    static func loadWorkloads(into store: FakeKubeStore) {
        for (name, concurrency, replicas) in [("hello", 10, 1), ("sleepy", 0, 0)] {
            let revision = "\(name)-00001"
            store.put("services.serving.knative.dev", knativeService("default", name, revision: revision, containerConcurrency: concurrency))
            store.put("revisions.serving.knative.dev", knativeRevision("default", revision, service: name, containerConcurrency: concurrency))
            let labels = [
                "serving.knative.dev/service": name, "serving.knative.dev/configuration": name,
                "serving.knative.dev/revision": revision, "app": revision,
            ]
            store.put("deployments", workload(
                "default", "\(revision)-deployment", labels: labels, replicas: replicas, owner: ("Revision", revision),
                apiVersion: "serving.knative.dev/v1"))
        }
        store.put("deployments", workload("default", "web", labels: ["app": "web"], replicas: 2))
        store.put("deployments", workload("default", "tiny", labels: ["app": "tiny"], replicas: 1))
        store.put("deployments", workload("default", "nightly", labels: ["app": "nightly"], replicas: 0))
        store.put("statefulsets", workload("default", "worker", labels: ["app": "worker"], replicas: 1))
        store.put("deployments", workload("openfaas-fn", "figlet", labels: ["faas_function": "figlet"], replicas: 1))
    }

    /// A Deployment or StatefulSet: `labels` on itself, its selector and its pod template.
    public static func workload(
        _ namespace: String, _ name: String, labels: [String: String], replicas: Int, owner: (String, String)? = nil,
        apiVersion: String = "apps/v1"
    ) -> JSONObject {
        var metadata: JSONObject = ["name": name, "namespace": namespace, "creationTimestamp": created, "labels": labels, "generation": 1]
        if let owner {
            metadata["ownerReferences"] = [[
                "apiVersion": apiVersion, "kind": owner.0, "name": owner.1, "uid": UUID().uuidString.lowercased(),
                "controller": true, "blockOwnerDeletion": true,
            ] as JSONObject]
        }
        return [
            "metadata": metadata,
            "spec": [
                "replicas": replicas, "selector": ["matchLabels": labels],
                "template": ["metadata": ["labels": labels, "creationTimestamp": NSNull()], "spec": ["containers": [["name": name, "image": "\(name):1"]]]],
            ],
            "status": ["replicas": replicas, "readyReplicas": replicas, "observedGeneration": 1],
        ]
    }

    /// A Knative Service as `kubectl get ksvc -o json` shows it (after the webhook's defaults).
    public static func knativeService(_ namespace: String, _ name: String, revision: String, containerConcurrency: Int) -> JSONObject {
        [
            "metadata": [
                "name": name, "namespace": namespace, "creationTimestamp": created, "generation": 1,
                "annotations": ["serving.knative.dev/creator": "kubernetes-admin", "serving.knative.dev/lastModifier": "kubernetes-admin"],
            ],
            "spec": [
                "template": [
                    "metadata": ["creationTimestamp": NSNull(), "annotations": ["autoscaling.knative.dev/target": "10"]],
                    "spec": [
                        "containerConcurrency": containerConcurrency, "enableServiceLinks": false, "timeoutSeconds": 300,
                        "containers": [[
                            "name": "user-container", "image": "ghcr.io/knative/helloworld-go", "resources": JSONObject(),
                            "ports": [["containerPort": 8080, "protocol": "TCP"]],
                            "readinessProbe": ["successThreshold": 1, "tcpSocket": ["port": 0]],
                        ] as JSONObject],
                    ] as JSONObject,
                ],
                "traffic": [["latestRevision": true, "percent": 100]],
            ],
            "status": [
                "observedGeneration": 1, "latestCreatedRevisionName": revision, "latestReadyRevisionName": revision,
                "url": "http://\(name).\(namespace).example.com",
                "conditions": [["type": "Ready", "status": "True", "lastTransitionTime": created]],
            ],
        ]
    }

    /// A Knative Revision: the Configuration owns it; its spec carries `containerConcurrency`.
    public static func knativeRevision(_ namespace: String, _ name: String, service: String, containerConcurrency: Int) -> JSONObject {
        [
            "metadata": [
                "name": name, "namespace": namespace, "creationTimestamp": created, "generation": 1,
                "labels": [
                    "serving.knative.dev/configuration": service, "serving.knative.dev/configurationGeneration": "1",
                    "serving.knative.dev/routingState": "active", "serving.knative.dev/service": service,
                ],
                "annotations": ["autoscaling.knative.dev/target": "10"],
                "ownerReferences": [[
                    "apiVersion": "serving.knative.dev/v1", "kind": "Configuration", "name": service,
                    "uid": UUID().uuidString.lowercased(), "controller": true, "blockOwnerDeletion": true,
                ] as JSONObject],
            ],
            "spec": [
                "containerConcurrency": containerConcurrency, "enableServiceLinks": false, "timeoutSeconds": 300,
                "containers": [["name": "user-container", "image": "ghcr.io/knative/helloworld-go", "resources": JSONObject()] as JSONObject],
            ],
            "status": ["observedGeneration": 1, "actualReplicas": 0, "desiredReplicas": 0],
        ]
    }

    public static func container(_ name: String, _ image: String, requests: (String?, String?), limits: (String?, String?)) -> JSONObject {
        func list(_ pair: (String?, String?)) -> JSONObject? {
            var out: JSONObject = [:]
            if let cpu = pair.0 { out["cpu"] = cpu }
            if let memory = pair.1 { out["memory"] = memory }
            return out.isEmpty ? nil : out
        }
        var resources: JSONObject = [:]
        if let requests = list(requests) { resources["requests"] = requests }
        if let limits = list(limits) { resources["limits"] = limits }
        return ["name": name, "image": image, "resources": resources, "imagePullPolicy": "IfNotPresent"]
    }

    public static func pod(
        _ namespace: String, _ name: String, labels: [String: String], annotations: [String: String] = [:],
        owner: (String, String)?, containers: [JSONObject], phase: String, node: String?, created: String,
        restarts: Int = 0, waiting: String? = nil, terminated: String? = nil, lastExitCode: Int? = nil
    ) -> JSONObject {
        var metadata: JSONObject = [
            "name": name, "namespace": namespace, "uid": UUID().uuidString.lowercased(), "creationTimestamp": created,
            "labels": labels,
        ]
        if !annotations.isEmpty { metadata["annotations"] = annotations }
        if let owner {
            metadata["ownerReferences"] = [[
                "apiVersion": "apps/v1", "kind": owner.0, "name": owner.1, "uid": UUID().uuidString.lowercased(),
                "controller": true, "blockOwnerDeletion": true,
            ] as JSONObject]
        }
        var spec: JSONObject = ["containers": containers, "restartPolicy": phase == "Succeeded" ? "Never" : "Always"]
        if let node { spec["nodeName"] = node }
        var status: JSONObject = ["phase": phase, "qosClass": "Burstable"]
        if node != nil {
            status["startTime"] = created
            status["podIP"] = "10.244.1.\(name.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xffff } % 250 + 2)"
            status["hostIP"] = "172.18.0.3"
            status["containerStatuses"] = containers.map { container -> JSONObject in
                let name = container["name"] as? String ?? ""
                var state: JSONObject
                if let terminated {
                    state = ["terminated": ["exitCode": 0, "reason": terminated, "startedAt": created, "finishedAt": created]]
                } else if let waiting {
                    state = ["waiting": ["reason": waiting, "message": "back-off 5m0s restarting failed container=\(name)"]]
                } else {
                    state = ["running": ["startedAt": created]]
                }
                var status: JSONObject = [
                    "name": name, "image": container["image"] ?? "", "ready": waiting == nil && terminated == nil,
                    "restartCount": restarts, "started": waiting == nil && terminated == nil, "state": state,
                ]
                if waiting == nil { status["containerID"] = "containerd://\(UUID().uuidString.lowercased())" }
                if let lastExitCode {
                    // The run that crashed: its log is what `kubectl logs` shows while the container waits.
                    status["lastState"] = ["terminated": [
                        "exitCode": lastExitCode, "reason": "Error", "startedAt": created, "finishedAt": created,
                        "containerID": "containerd://\(UUID().uuidString.lowercased())",
                    ] as JSONObject]
                }
                return status
            }
        } else {
            status["conditions"] = [[
                "type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                "message": "0/2 nodes are available: 2 Insufficient cpu.",
            ]]
        }
        return ["metadata": metadata, "spec": spec, "status": status]
    }

    public static func replicaSet(_ namespace: String, _ name: String, owner: (String, String)) -> JSONObject {
        [
            "metadata": [
                "name": name, "namespace": namespace, "uid": UUID().uuidString.lowercased(), "creationTimestamp": created,
                "ownerReferences": [["apiVersion": "apps/v1", "kind": owner.0, "name": owner.1, "uid": UUID().uuidString.lowercased(), "controller": true] as JSONObject],
            ],
            "spec": ["replicas": 1, "selector": ["matchLabels": ["app": name]]],
        ]
    }

    public static func metrics(_ namespace: String, _ name: String, _ containers: [(String, String, String)]) -> JSONObject {
        [
            "metadata": ["name": name, "namespace": namespace, "creationTimestamp": ISO8601DateFormatter().string(from: Date())],
            "timestamp": ISO8601DateFormatter().string(from: Date()), "window": "15.012s",
            "containers": containers.map { ["name": $0.0, "usage": ["cpu": $0.1, "memory": $0.2]] as JSONObject },
        ]
    }
}
