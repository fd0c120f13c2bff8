import Foundation
import ProcessHarness

/// Issue 5's figure: `seq` output shown in a console pane against the same output
/// in a plain tmux pane, both 160x48, measured in the same run; then key echo in
/// a second console pane while the first one floods.
enum ConsoleThroughputBenchmark {
    struct Result {
        var bytes: Int
        var tmuxSeconds: [Double]
        var portholeSeconds: [Double]
        /// Per run: key echo times (ms) in porthole and in tmux, and the machine before it.
        var echoRuns: [(porthole: [Double], tmux: [Double], load: MachineLoad)]
        /// Per run: porthole's echo times split into stages by the console's latency trace.
        var echoStages: [EchoStageBreakdown]
    }

    /// `done$((6*7))` prints `done42` only when the command has finished, never in the echoed command line.
    static let marker = "done42"

    static func run(lines: Int, runs: Int, echoSamples: Int, echoRuns: Int) throws -> Result {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("porthole").path
        let command = "clear; seq 1 \(lines); echo done$((6*7))"
        let bytes = (1...lines).reduce(0) { $0 + String($1).utf8.count + 1 }

        // HOME for both sides' shells: an interactive shell writes ~/.bash_history when it
        // ends, and the user's is not ours to write. Removed last, after both have ended.
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-bench-home-\(getpid())").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }

        // Reference: a shell in a plain tmux pane.
        let reference = TmuxDriver(socket: "porthole-bench-ref-\(getpid())", registry: processes)
        defer { reference.kill() }
        try reference.start(session: "reference", cols: 160, rows: 48, command: "env PS1='$ ' HOME=\(home) bash --norc --noprofile")
        try reference.wait(timeout: 10) { $0.contains("$") }
        progress("reference shell ready")

        // Porthole: the console on its embedded platform, one pane zoomed to 160x48.
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-bench-console-\(getpid())").path
        // Declared before the console's own defer, so it runs after the console has ended.
        defer { try? FileManager.default.removeItem(atPath: state) }
        let console = TmuxDriver(socket: "porthole-bench-console-\(getpid())", registry: processes)
        defer { console.kill() }
        // The console traces each keystroke's path, so echo times split into stages.
        let trace = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-bench-trace-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: trace) }
        try console.start(session: "console", cols: 162, rows: 52,
                          command: "env HOME=\(home) PORTHOLE_STATE_DIR=\(state) PORTHOLE_TRACE_LATENCY=\(trace) \(binary) --refresh 1")
        try console.wait(timeout: 30) { $0.contains("Running") }
        progress("console shows instances")
        try console.keys("Enter")
        try console.wait(timeout: 15) { $0.contains("# ") || $0.contains("$ ") }
        try console.keys("C-a", "z")
        try fitPane(console)
        progress("pane sized 160x48")

        var tmuxTimes: [Double] = []
        var portholeTimes: [Double] = []
        for run in 0..<runs {
            tmuxTimes.append(try timeCommand(reference, command))
            portholeTimes.append(try timeCommand(console, command))
            progress("run \(run + 1): tmux \(tmuxTimes.last!) s, porthole \(portholeTimes.last!) s")
        }

        // Echo in a second pane while the first floods; tmux the same, in the same runs.
        try console.keys("C-a", "z")
        try console.keys("C-a", "Tab")
        try console.keys("Down")
        try console.keys("Enter")
        try console.wait(timeout: 15) { screen in screen.components(separatedBy: "# ").count > 2 || screen.components(separatedBy: "$ ").count > 2 }
        try reference.run(["split-window", "-h", "env PS1='$ ' HOME=\(home) bash --norc --noprofile"])
        var echo: [(porthole: [Double], tmux: [Double], load: MachineLoad)] = []
        var stages: [EchoStageBreakdown] = []
        for run in 0..<echoRuns {
            let seen = MachineLoad.waitForQuiet(idleAtLeast: 0.8, maxWait: 10)
            let porthole = try echoWhileFlooding(console, lines: lines * 4, samples: echoSamples, left: ["C-a", "Left"], right: ["C-a", "Right"])
            let tmuxMs = try echoWhileFlooding(reference, lines: lines * 4, samples: echoSamples, left: nil, right: nil).map(\.milliseconds)
            let portholeMs = porthole.map(\.milliseconds)
            echo.append((portholeMs, tmuxMs, seen.load))
            stages.append(EchoStageBreakdown(samples: porthole, traceFile: trace))
            progress("echo run \(run + 1) (\(seen.load) before): porthole p99 \(fmt(Statistics.percentile(portholeMs, 99), 1)) ms, tmux p99 \(fmt(Statistics.percentile(tmuxMs, 99), 1)) ms")
        }
        return Result(bytes: bytes, tmuxSeconds: tmuxTimes, portholeSeconds: portholeTimes, echoRuns: echo, echoStages: stages)
    }

    /// Starts `seq` flooding the left pane, types `samples` keys in the right one
    /// timing each echo, then stops the flood. `left`/`right`: the keys that move
    /// focus (nil: tmux's own select-pane).
    static func echoWhileFlooding(_ driver: TmuxDriver, lines: Int, samples: Int, left: [String]?, right: [String]?) throws -> [EchoStageBreakdown.Sample] {
        func go(_ keys: [String]?, _ direction: String) throws {
            if let keys { try driver.keys(keys) } else { try driver.run(["select-pane", direction]) }
        }
        try go(left, "-L")
        try driver.literal("seq 1 \(lines)\r")
        try go(right, "-R")
        usleep(300_000)
        let times = try timeEcho(driver, count: samples)
        try go(left, "-L")
        try driver.keys("C-c")
        usleep(300_000)
        try driver.literal("clear\r")
        try go(right, "-R")
        return times
    }

    /// Types short tokens and times each until the screen shows it (polling capture-pane).
    static func timeEcho(_ driver: TmuxDriver, count: Int) throws -> [EchoStageBreakdown.Sample] {
        var echo: [EchoStageBreakdown.Sample] = []
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        for index in 0..<count {
            let token = "k\(index)" + String(letters[index % 26]) + "q"
            let start = now()
            try driver.literal(token)
            try driver.wait(timeout: 5, interval: 500) { $0.contains(token) }
            echo.append(EchoStageBreakdown.Sample(typed: start, seen: now()))
            try driver.keys("C-u")
        }
        return echo
    }

    /// Resizes the outer window until the zoomed pane's terminal is 160x48.
    static func fitPane(_ console: TmuxDriver) throws {
        var cols = 162, rows = 52
        for _ in 0..<4 {
            try console.literal("clear; stty size\r")
            var size: (Int, Int)?
            try console.wait(timeout: 10) { screen in
                for line in screen.split(separator: "\n") {
                    let parts = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
                    let trimmed = line.trimmingCharacters(in: CharacterSet(charactersIn: " │┃|"))
                    if parts.count == 2, trimmed.range(of: "^[0-9]+ [0-9]+$", options: .regularExpression) != nil {
                        size = (parts[1], parts[0])
                        return true
                    }
                }
                return false
            }
            guard let (paneCols, paneRows) = size else { break }
            if paneCols == 160 && paneRows == 48 { return }
            cols += 160 - paneCols
            rows += 48 - paneRows
            try console.resize(cols: cols, rows: rows)
            usleep(300_000)
        }
        throw BenchmarkError("could not size the console pane to 160x48")
    }

    static func timeCommand(_ driver: TmuxDriver, _ command: String) throws -> Double {
        try driver.literal("clear\r")
        usleep(200_000)
        let start = now()
        try driver.literal(command + "\r")
        try driver.wait(timeout: 600, interval: 5_000) { screen in
            screen.split(separator: "\n").contains { $0.contains(marker) && !$0.contains("$((") }
        }
        return now() - start
    }
}

func progress(_ text: String) {
    FileHandle.standardError.write(Data("  … \(text)\n".utf8))
}
