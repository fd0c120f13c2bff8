import CShims
import Foundation
import LocalRuntime
import Platform
import ProcessHarness

// porthole-bench [exec|stream|terminal|fleet|console|echo|kubernetes|cp|all] [--quick] — speed and memory as ratios
// against a reference measured in the same run. Run with
// `swift run -c release porthole-bench`.
//
// It leaves nothing behind: every process it starts (tmux servers by their
// server pid, consoles, servers, instances — and, as the reaper of its orphans,
// whatever those detach) is ended at the end, on failure and on Ctrl-C or
// SIGTERM, and the last line says whether anything survived. Each phase waits
// (bounded) for a quiet machine and prints the load it saw.

let arguments = Array(CommandLine.arguments.dropFirst())
let which = arguments.first ?? "all"
let quick = arguments.contains("--quick")
porthole_stdout_line_buffered()

/// Every process this run starts; ended before it exits, whatever happens.
let processes = ProcessRegistry(adoptOrphans: true)

/// Ends everything, says so, and exits with `code` (2 when something survived).
func finish(exitCode code: Int32) -> Never {
    let report = processes.endAll()
    line(report.description)
    exit(report.survivors.isEmpty ? code : 2)
}

/// Ctrl-C, SIGTERM, SIGHUP: clean up as on any other exit.
let stopSources: [DispatchSourceSignal] = [SIGINT, SIGTERM, SIGHUP].map { number in
    signal(number, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
    source.setEventHandler {
        FileHandle.standardError.write(Data("porthole-bench: signal \(number), ending what it started\n".utf8))
        finish(exitCode: 128 + number)
    }
    source.resume()
    return source
}

/// Waits (bounded) for the machine to be quiet before a phase and prints what it saw.
func quietMachine(before phase: String) {
    let seen = MachineLoad.waitForQuiet(idleAtLeast: 0.8, maxWait: quick ? 5 : 20)
    line("[\(phase)] machine before: \(seen.load)\(seen.quiet ? "" : String(format: " — not quiet after %.0f s, measured anyway", seen.waited))")
}

func line(_ text: String) { print(text) }

/// A token file the clients accept: mode 0600 (they refuse one others can read).
func writeTokenFile(_ token: String, to url: URL) throws {
    FileManager.default.createFile(atPath: url.path, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600])
}

func fmt(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }

func runExecBenchmarks() async throws {
    let bench = try await BenchPlatform.start(stem: "porthole-bench")
    let (embedded, instance, tokenFile) = (bench.embedded, bench.instance, bench.tokenFile)
    defer { bench.stop() }

    let runs = quick ? 1 : 3
    if which != "stream" { try await runExecThroughput(embedded: embedded, instance: instance, tokenFile: tokenFile, runs: runs) }
    try runExecStream(embedded: embedded, instance: instance, tokenFile: tokenFile, runs: runs)
    if which != "stream" { try await runExecEcho(embedded: embedded, instance: instance) }
}

func runExecThroughput(embedded: EmbeddedPlatform, instance: Instance, tokenFile: URL, runs: Int) async throws {
    let lines = quick ? 1_000_000 : 9_000_000
    quietMachine(before: "exec throughput")
    let throughput = try ExecThroughputBenchmark.run(embedded: embedded, instance: instance, tokenFile: tokenFile, lines: lines, runs: runs)
    let mb = Double(throughput.bytes) / 1e6
    let ptyMedian = Statistics.median(throughput.ptySeconds)
    let portholeMedian = Statistics.median(throughput.portholeSeconds)
    line("exec throughput: \(fmt(mb, 1)) MB of `seq 1 \(lines)`, median of \(runs)")
    line("  local pty (reference)   \(fmt(ptyMedian)) s  \(fmt(mb / ptyMedian, 1)) MB/s")
    line("  porthole exec -t        \(fmt(portholeMedian)) s  \(fmt(mb / portholeMedian, 1)) MB/s  (CLI peak RSS \(fmt(throughput.portholePeakRSSMiB, 1)) MiB)")
    line("  ratio pty/porthole      \(fmt(throughput.ratio))  (goal ≥ 0.90)")
}

func runExecStream(embedded: EmbeddedPlatform, instance: Instance, tokenFile: URL, runs: Int) throws {
    let megabytes = quick ? 64 : 256
    quietMachine(before: "exec stream")
    let stream = try ExecStreamBenchmark.run(embedded: embedded, instance: instance, tokenFile: tokenFile, megabytes: megabytes, runs: runs)
    let local = Statistics.median(stream.localSeconds)
    let stdinMedian = Statistics.median(stream.stdinSeconds)
    let stdoutMedian = Statistics.median(stream.stdoutSeconds)
    let mib = Double(stream.bytes) / 1048576
    line("exec stream: \(megabytes) MiB of random bytes each way through one session, SHA-256 checked on the far side, median of \(runs)")
    line("  sha256sum alone (ref)   \(fmt(local)) s  \(fmt(mib / local, 0)) MiB/s")
    line("  stdout (cat | sha256sum) \(fmt(stdoutMedian)) s  \(fmt(mib / stdoutMedian, 0)) MiB/s")
    line("  stdin (-i -- sha256sum) \(fmt(stdinMedian)) s  \(fmt(mib / stdinMedian, 0)) MiB/s")
    line("  ratio stdin/stdout      \(fmt(stdinMedian / stdoutMedian))  (goal ≤ 1.10)")
}

func runExecEcho(embedded: EmbeddedPlatform, instance: Instance) async throws {
    let trips = quick ? 200 : 1000
    quietMachine(before: "exec echo")
    let echo = try await EchoLatencyBenchmark.run(embedded: embedded, instance: instance, roundTrips: trips)
    line("keystroke echo latency: \(trips) round trips")
    line("  local pty (reference)   p50 \(fmt(Statistics.percentile(echo.ptyMs, 50), 3)) ms  p99 \(fmt(Statistics.percentile(echo.ptyMs, 99), 3)) ms")
    line("  porthole tty session    p50 \(fmt(Statistics.percentile(echo.portholeMs, 50), 3)) ms  p99 \(fmt(Statistics.percentile(echo.portholeMs, 99), 3)) ms  (goal p99 ≤ 2 ms)")
    line("  server process peak RSS \(fmt(peakRSSMiB(), 1)) MiB")
}

func runTerminalBenchmark() {
    quietMachine(before: "terminal")
    // The pty rate measured now is the reference the emulator must outrun.
    let pty = LocalPTY.drain(["seq", "1", quick ? "1000000" : "3000000"])
    let ptyRate = Double(pty.bytes) / 1e6 / pty.seconds
    line("terminal emulator feed (80x24, 64 KiB chunks, median of 5); local pty rate now \(fmt(ptyRate, 1)) MB/s")
    for result in TerminalFeedBenchmark.run(megabytes: quick ? 8 : 32) {
        line("  \(result.name.padding(toLength: 8, withPad: " ", startingAt: 0)) \(fmt(result.megabytesPerSecond, 1)) MB/s  memcpy \(fmt(result.memcpyMegabytesPerSecond, 0)) MB/s  ×pty \(fmt(result.megabytesPerSecond / ptyRate, 1))  (goal ×pty ≥ 10)")
    }
}

func runConsoleBenchmark(echoOnly: Bool) throws {
    let lines = quick ? 1_000_000 : 8_500_000
    let runs = echoOnly ? 0 : quick ? 1 : 3
    quietMachine(before: "console")
    let result = try ConsoleThroughputBenchmark.run(lines: lines, runs: runs, echoSamples: quick ? 50 : 200, echoRuns: quick ? 2 : 5)
    let mb = Double(result.bytes) / 1e6
    let tmux = Statistics.median(result.tmuxSeconds)
    let porthole = Statistics.median(result.portholeSeconds)
    if runs > 0 {
        line("console pane throughput: \(fmt(mb, 1)) MB of `seq 1 \(lines)` shown in a 160x48 pane, median of \(runs)")
        line("  tmux pane (reference)   \(fmt(tmux)) s")
        line("  porthole console pane   \(fmt(porthole)) s")
        line("  ratio porthole/tmux     \(fmt(porthole / tmux))  (goal ≤ 1.10)")
    }
    line("key echo in a second pane while the first floods (seen through tmux capture-pane, \(result.echoRuns.first?.porthole.count ?? 0) keys per run)")
    for (index, run) in result.echoRuns.enumerated() {
        line("  run \(index + 1) [\(run.load)]  tmux p50 \(fmt(Statistics.percentile(run.tmux, 50), 1)) p99 \(fmt(Statistics.percentile(run.tmux, 99), 1)) ms · porthole p50 \(fmt(Statistics.percentile(run.porthole, 50), 1)) p99 \(fmt(Statistics.percentile(run.porthole, 99), 1)) ms")
    }
    line("porthole's echo split into stages by the console's latency trace (PORTHOLE_TRACE_LATENCY), per run")
    for (index, stages) in result.echoStages.enumerated() {
        line("  run \(index + 1)")
        for text in stages.report(indent: "    ") { line(text) }
    }
    line("  all runs")
    for text in EchoStageBreakdown(combining: result.echoStages).report(indent: "    ") { line(text) }
    let allTmux = result.echoRuns.flatMap(\.tmux), allPorthole = result.echoRuns.flatMap(\.porthole)
    line("  all runs: tmux panes (reference) p50 \(fmt(Statistics.percentile(allTmux, 50), 1)) ms  p99 \(fmt(Statistics.percentile(allTmux, 99), 1)) ms")
    line("  all runs: porthole panes         p50 \(fmt(Statistics.percentile(allPorthole, 50), 1)) ms  p99 \(fmt(Statistics.percentile(allPorthole, 99), 1)) ms  (goal p99 ≤ tmux's and < 50 ms)")
}

func runFleetBenchmark() async throws {
    let seconds: Double = quick ? 10 : 30
    line("console CPU with many instances listed, default refresh, over \(Int(seconds)) s (share of one core; goal < 5 %)")
    for count in [1_000, 10_000] {
        quietMachine(before: "fleet \(count)")
        let result = try await ConsoleFleetBenchmark.run(count: count, seconds: seconds)
        line("  \(String(count).padding(toLength: 6, withPad: " ", startingAt: 0)) instances   \(fmt(result.cpuPercent, 1)) %")
    }
}

func runKubernetesBenchmark() async throws {
    let pods = quick ? 2_000 : 10_000
    let result = try await KubernetesBenchmark.run(pods: pods, seconds: quick ? 10 : 30, logins: quick ? 3 : 5)
    line("login to a shell that answers (Enter, then `echo` seen), \(result.portholeLoginMs.count) logins")
    line("  kubectl exec -it (ref)  p50 \(fmt(Statistics.percentile(result.kubectlLoginMs, 50), 0)) ms  p90 \(fmt(Statistics.percentile(result.kubectlLoginMs, 90), 0)) ms")
    line("  porthole console login  p50 \(fmt(Statistics.percentile(result.portholeLoginMs, 50), 0)) ms  p90 \(fmt(Statistics.percentile(result.portholeLoginMs, 90), 0)) ms  (goal ≤ kubectl)")
}

do {
    line("porthole-bench \(which) — \(ISO8601DateFormatter().string(from: Date())), \(ProcessInfo.processInfo.activeProcessorCount) cores")
    if which == "exec" || which == "stream" || which == "all" { try await runExecBenchmarks() }
    if which == "terminal" || which == "all" { runTerminalBenchmark() }
    if which == "fleet" || which == "all" { try await runFleetBenchmark() }
    if which == "console" || which == "all" { try runConsoleBenchmark(echoOnly: false) }
    if which == "echo" { try runConsoleBenchmark(echoOnly: true) }
    if which == "kubernetes" || which == "all" { try await runKubernetesBenchmark() }
    if which == "cp" || which == "all" { try await runCopyBenchmark() }
} catch {
    FileHandle.standardError.write(Data("porthole-bench: \(error)\n".utf8))
    finish(exitCode: 1)
}
finish(exitCode: 0)
