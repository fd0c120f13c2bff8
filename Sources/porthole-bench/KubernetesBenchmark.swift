import Foundation
import ProcessHarness
import KubernetesFake

/// The console on a cluster of many pods (the fake API server, in this
/// process): its CPU while it sits on the table and refreshes, what it asks
/// the server meanwhile, and the time from "log in" to a shell that answers,
/// against `kubectl exec -it` into the same pod in the same run.
enum KubernetesBenchmark {
    struct Result {
        var pods: Int
        var seconds: Double
        var consoleCPUPercent: Double
        var requestsDuringWindow: [String]
        var portholeLoginMs: [Double]
        var kubectlLoginMs: [Double]
    }

    static let knativePod = "hello-00001-deployment-7d9f8c6b5-abcde"

    static func run(pods: Int, seconds: Double, logins: Int) async throws -> Result {
        // Removed at exit, or by a later run if this one is killed.
        let directory = try FakeRunDirectory.subdirectory("bench")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let certificates = try FakeCertificates.shared()
        let store = FakeKubeStore()
        FakeFixtures.load(into: store)
        addWorkloads(to: store, pods: pods)
        var options = FakeKubeAPIServer.Options()
        options.tokens = ["bench-token": "bench"]
        options.workDirectory = directory
        options.bookmarkInterval = 60
        let server = FakeKubeAPIServer(certificates: certificates, store: store, options: options)
        try await server.start()
        defer { Task { await server.stop() } }
        let kubeconfig = directory + "/kubeconfig"
        try server.writeKubeconfig(
            to: kubeconfig, name: "bench", user: "bench", token: "bench-token", namespace: "default")
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("porthole").path

        // The console on the cluster, refreshing every 2 s.
        let console = TmuxDriver(socket: "porthole-bench-kube-\(getpid())", registry: processes)
        defer { _ = console.kill() }
        try console.start(
            session: "bench", cols: 160, rows: 48,
            command: "env HOME=\(directory) PORTHOLE_CONFIG=\(directory)/none.yaml \(binary) --kubeconfig \(kubeconfig) --refresh 2")
        try console.wait(timeout: 120, interval: 50_000) { $0.contains("Running") && $0.contains("svc-") }
        progress("console shows the cluster")
        guard let pid = portholePID(binary: binary) else { throw BenchmarkError("cannot find the console's process") }
        try await Task.sleep(nanoseconds: 3_000_000_000)  // past the first full refresh
        let before = server.requests.count
        let startTicks = cpuTicks(pid)
        let started = now()
        try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
        let ticks = cpuTicks(pid) - startTicks
        let elapsed = now() - started
        let cpu = Double(ticks) / Double(sysconf(Int32(_SC_CLK_TCK))) / elapsed * 100
        let window = Array(server.requests[before...])
        // Said now: the login rounds below take a while on a loaded machine.
        line("console on a cluster: \(pods + 7) pods (fake kube-apiserver in this process), refresh every 2 s")
        line("  console CPU             \(fmt(cpu, 1)) % of one core over \(fmt(elapsed, 0)) s  (goal < 5 %)")
        let lists = window.filter { $0.contains("/pods?") && !$0.contains("metrics") && !$0.contains("watch=") }
        let metrics = window.filter { $0.contains("metrics.k8s.io") }
        line("  requests meanwhile      \(window.count): \(lists.count) pod lists, \(metrics.count) metrics lists (the watch keeps the table)")

        // Login to a shell that answers: porthole's login (Enter; later Enter reconnects).
        var portholeMs: [Double] = []
        for round in 0..<logins {
            let marker = "ph\(round)-$((6*7))"
            let start = now()
            // The Knative pod has two containers: Enter opens the picker on the annotated
            // default and the second Enter takes it (typed together, as a user who knows does).
            try console.keys("Enter", "Enter")
            try console.literal("echo \(marker)\n")
            try console.wait(timeout: 30) { $0.contains("ph\(round)-42") }
            portholeMs.append((now() - start) * 1000)
            // A code of its own per round, so the wait sees this round's end, not an earlier one.
            try console.literal("exit \(round + 10)\n")
            try console.wait(timeout: 30) { $0.contains("exited \(round + 10)") }
        }

        // The same with kubectl exec -it, the same login shell argv, in a plain tmux pane.
        var kubectlMs: [Double] = []
        let kubectl = ["/usr/local/bin/kubectl", "/usr/bin/kubectl"].first(where: FileManager.default.isExecutableFile)
        if let kubectl {
            let reference = TmuxDriver(socket: "porthole-bench-kubectl-\(getpid())", registry: processes)
            defer { _ = reference.kill() }
            try reference.start(session: "bench", cols: 160, rows: 48, command: "env PS1='$ ' HOME=\(directory) bash --norc --noprofile")
            try reference.wait(timeout: 10) { $0.contains("$") }
            let shell = "if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi"
            for round in 0..<logins {
                try reference.literal("clear\n")
                try reference.wait(timeout: 10) { !$0.contains("kc") }
                let start = now()
                try reference.literal("\(kubectl) --kubeconfig \(kubeconfig) exec -it \(knativePod) -- /bin/sh -c '\(shell)'\n")
                try reference.literal("echo kc\(round)-$((6*7))\n")
                try reference.wait(timeout: 30) { $0.contains("kc\(round)-42") }
                kubectlMs.append((now() - start) * 1000)
                try reference.literal("exit\n")
                // Back at the local prompt: the last line is "$" again (capture trims the space).
                try reference.wait(timeout: 30) { screen in
                    screen.contains("logout") && screen.split(separator: "\n").last(where: { !$0.isEmpty }) == "$"
                }
            }
        }
        return Result(
            pods: pods, seconds: elapsed, consoleCPUPercent: cpu, requestsDuringWindow: window,
            portholeLoginMs: portholeMs, kubectlLoginMs: kubectlMs)
    }

    /// `pods` more Running pods in `default`: Deployments of 100 pods each, with metrics.
    static func addWorkloads(to store: FakeKubeStore, pods: Int) {
        let created = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-3600))
        for index in 0..<pods {
            let deployment = String(format: "svc-%03d", index / 100)
            let replicaSet = "\(deployment)-7f8d9c6b5"
            if index % 100 == 0 {
                store.put(replicaSet: FakeFixtures.replicaSet("default", replicaSet, owner: ("Deployment", deployment)))
            }
            let name = String(format: "\(replicaSet)-%05d", index)
            store.put(pod: FakeFixtures.pod(
                "default", name, labels: ["app": deployment, "pod-template-hash": "7f8d9c6b5"], owner: ("ReplicaSet", replicaSet),
                containers: [FakeFixtures.container("app", "app:1", requests: ("100m", "64Mi"), limits: ("500m", "256Mi"))],
                phase: "Running", node: "node-\(index % 20)", created: created))
            store.put(metrics: FakeFixtures.metrics("default", name, [("app", "\(1_000_000 + index)n", "\(30_000 + index)Ki")]))
        }
    }

    /// The porthole process started by the tmux session (the newest with that binary).
    static func portholePID(binary: String) -> pid_t? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        var found: pid_t?
        for entry in entries {
            guard let pid = pid_t(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
            let argv = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if argv.first == binary, argv.contains("--kubeconfig"), pid > (found ?? 0) { found = pid }
        }
        return found
    }

    /// utime + stime of a process, in clock ticks.
    static func cpuTicks(_ pid: pid_t) -> Int {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return 0 }
        let text = String(decoding: data, as: UTF8.self)
        guard let close = text.lastIndex(of: ")") else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command: state is field 3; utime and stime are fields 14 and 15.
        guard fields.count > 13, let user = Int(fields[11]), let system = Int(fields[12]) else { return 0 }
        return user + system
    }
}
