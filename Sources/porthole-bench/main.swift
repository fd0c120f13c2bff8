import CShims
import Foundation
import LocalRuntime
import Platform

// porthole-bench [exec|terminal|console|kubernetes|all] — speed and memory as ratios against a
// reference measured in the same run. Run with `swift run -c release porthole-bench`.

let arguments = Array(CommandLine.arguments.dropFirst())
let which = arguments.first ?? "all"
let quick = arguments.contains("--quick")
porthole_stdout_line_buffered()

func line(_ text: String) { print(text) }

func fmt(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }

func runExecBenchmarks() async throws {
    let state = StateDirectory(url: FileManager.default.temporaryDirectory.appendingPathComponent("porthole-bench-\(getpid())"))
    let embedded = try await EmbeddedPlatform.start(options: LocalPlatform.Options(stateDirectory: state))
    defer { embedded.platform.shutdown() }
    let tokenFile = state.url.appendingPathComponent("bench-token")
    try (embedded.token.value + "\n").write(to: tokenFile, atomically: true, encoding: .utf8)
    var instance: Instance?
    for _ in 0..<200 where instance == nil {
        instance = try await embedded.backend().listInstances(function: "hello").first { $0.status == .running }
        if instance == nil { try await Task.sleep(nanoseconds: 50_000_000) }
    }
    guard let instance else { throw BenchmarkError("no running instance of hello") }

    let lines = quick ? 1_000_000 : 9_000_000
    let runs = quick ? 1 : 3
    let throughput = try ExecThroughputBenchmark.run(embedded: embedded, instance: instance, tokenFile: tokenFile, lines: lines, runs: runs)
    let mb = Double(throughput.bytes) / 1e6
    let ptyMedian = Statistics.median(throughput.ptySeconds)
    let portholeMedian = Statistics.median(throughput.portholeSeconds)
    line("exec throughput: \(fmt(mb, 1)) MB of `seq 1 \(lines)`, median of \(runs)")
    line("  local pty (reference)   \(fmt(ptyMedian)) s  \(fmt(mb / ptyMedian, 1)) MB/s")
    line("  porthole exec -t        \(fmt(portholeMedian)) s  \(fmt(mb / portholeMedian, 1)) MB/s  (CLI peak RSS \(fmt(throughput.portholePeakRSSMiB, 1)) MiB)")
    line("  ratio pty/porthole      \(fmt(throughput.ratio))  (goal ≥ 0.90)")

    let trips = quick ? 200 : 1000
    let echo = try await EchoLatencyBenchmark.run(embedded: embedded, instance: instance, roundTrips: trips)
    line("keystroke echo latency: \(trips) round trips")
    line("  local pty (reference)   p50 \(fmt(Statistics.percentile(echo.ptyMs, 50), 3)) ms  p99 \(fmt(Statistics.percentile(echo.ptyMs, 99), 3)) ms")
    line("  porthole tty session    p50 \(fmt(Statistics.percentile(echo.portholeMs, 50), 3)) ms  p99 \(fmt(Statistics.percentile(echo.portholeMs, 99), 3)) ms  (goal p99 ≤ 2 ms)")
    line("  server process peak RSS \(fmt(peakRSSMiB(), 1)) MiB")
}

func runTerminalBenchmark() {
    // The pty rate measured now is the reference the emulator must outrun.
    let pty = LocalPTY.drain(["seq", "1", quick ? "1000000" : "3000000"])
    let ptyRate = Double(pty.bytes) / 1e6 / pty.seconds
    line("terminal emulator feed (80x24, 64 KiB chunks, median of 5); local pty rate now \(fmt(ptyRate, 1)) MB/s")
    for result in TerminalFeedBenchmark.run(megabytes: quick ? 8 : 32) {
        line("  \(result.name.padding(toLength: 8, withPad: " ", startingAt: 0)) \(fmt(result.megabytesPerSecond, 1)) MB/s  memcpy \(fmt(result.memcpyMegabytesPerSecond, 0)) MB/s  ×pty \(fmt(result.megabytesPerSecond / ptyRate, 1))  (goal ×pty ≥ 10)")
    }
}

func runConsoleBenchmark() throws {
    let lines = quick ? 1_000_000 : 8_500_000
    let runs = quick ? 1 : 3
    let result = try ConsoleThroughputBenchmark.run(lines: lines, runs: runs, echoSamples: quick ? 50 : 200)
    let mb = Double(result.bytes) / 1e6
    let tmux = Statistics.median(result.tmuxSeconds)
    let porthole = Statistics.median(result.portholeSeconds)
    line("console pane throughput: \(fmt(mb, 1)) MB of `seq 1 \(lines)` shown in a 160x48 pane, median of \(runs)")
    line("  tmux pane (reference)   \(fmt(tmux)) s")
    line("  porthole console pane   \(fmt(porthole)) s")
    line("  ratio porthole/tmux     \(fmt(porthole / tmux))  (goal ≤ 1.10)")
    line("key echo in a second pane while the first floods (seen through tmux capture-pane, \(result.echoMs.count) keys)")
    line("  tmux panes (reference)  p50 \(fmt(Statistics.percentile(result.tmuxEchoMs, 50), 1)) ms  p99 \(fmt(Statistics.percentile(result.tmuxEchoMs, 99), 1)) ms")
    line("  porthole panes          p50 \(fmt(Statistics.percentile(result.echoMs, 50), 1)) ms  p99 \(fmt(Statistics.percentile(result.echoMs, 99), 1)) ms  (goal p99 < 50 ms)")
}

func runKubernetesBenchmark() async throws {
    let pods = quick ? 2_000 : 10_000
    let result = try await KubernetesBenchmark.run(pods: pods, seconds: quick ? 10 : 30, logins: quick ? 3 : 10)
    line("console on a cluster: \(result.pods + 7) pods (fake kube-apiserver in this process), refresh every 2 s")
    line("  console CPU             \(fmt(result.consoleCPUPercent, 1)) % of one core over \(fmt(result.seconds, 0)) s  (goal < 5 %)")
    let lists = result.requestsDuringWindow.filter { $0.contains("/pods?") && !$0.contains("metrics") && !$0.contains("watch=") }
    let metrics = result.requestsDuringWindow.filter { $0.contains("metrics.k8s.io") }
    line("  requests meanwhile      \(result.requestsDuringWindow.count): \(lists.count) pod lists, \(metrics.count) metrics lists (the watch keeps the table)")
    line("login to a shell that answers (Enter, then `echo` seen), \(result.portholeLoginMs.count) logins")
    line("  kubectl exec -it (ref)  p50 \(fmt(Statistics.percentile(result.kubectlLoginMs, 50), 0)) ms  p90 \(fmt(Statistics.percentile(result.kubectlLoginMs, 90), 0)) ms")
    line("  porthole console login  p50 \(fmt(Statistics.percentile(result.portholeLoginMs, 50), 0)) ms  p90 \(fmt(Statistics.percentile(result.portholeLoginMs, 90), 0)) ms  (goal ≤ kubectl)")
}

do {
    line("porthole-bench \(which) — \(ISO8601DateFormatter().string(from: Date())), \(ProcessInfo.processInfo.activeProcessorCount) cores")
    if which == "exec" || which == "all" { try await runExecBenchmarks() }
    if which == "terminal" || which == "all" { runTerminalBenchmark() }
    if which == "console" || which == "all" { try runConsoleBenchmark() }
    if which == "kubernetes" || which == "all" { try await runKubernetesBenchmark() }
} catch {
    FileHandle.standardError.write(Data("porthole-bench: \(error)\n".utf8))
    exit(1)
}
