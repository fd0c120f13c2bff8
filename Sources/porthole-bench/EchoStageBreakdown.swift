import Foundation

/// Splits porthole's echo times into stages, from the console's latency trace
/// (`PORTHOLE_TRACE_LATENCY`, see Console's LatencyTrace) and the bench's own
/// clock (both CLOCK_MONOTONIC): where a keystroke's time goes while another
/// pane floods.
struct EchoStageBreakdown {
    /// One timed echo as the bench saw it: seconds, monotonic.
    struct Sample {
        /// Just before `tmux send-keys` typed the token.
        var typed: Double
        /// When the capture that showed the token returned.
        var seen: Double
        var milliseconds: Double { (seen - typed) * 1000 }
    }

    /// Stage names, in path order; each is the time from the previous point to this one.
    static let stages = [
        "typed→key",      // tmux send-keys, the outer tmux, the console waking and reading the key
        "key→sent",       // encoding the key, handing it to the session
        "sent→received",  // client → server → pty → shell's echo → server → client
        "received→fed",   // waiting for the UI thread to take the pane's output
        "fed→frame",      // waiting for the frame
        "frame→drawn",    // drawing and curses writing to the outer terminal
        "drawn→seen",     // the outer tmux taking the frame, plus capture-pane polling
    ]

    /// Per sample that the trace covers: the stage times in ms, the outer terminal's
    /// backlog at `drawn`, and how long (ms) the UI loop worked before the `poll` that returned with the key.
    var rows: [(stages: [Double], total: Double, outq: Int, workBeforeKey: Double)] = []
    /// Samples the trace did not cover from key to drawn.
    var missing = 0

    /// All runs' samples together.
    init(combining parts: [EchoStageBreakdown]) {
        rows = parts.flatMap(\.rows)
        missing = parts.reduce(0) { $0 + $1.missing }
    }

    /// Matches each sample with the last keystroke read inside its window.
    init(samples: [Sample], traceFile: String) {
        var events: [(t: Double, stage: String, keystroke: Int, outq: Int, work: Int)] = []
        let text = (try? String(contentsOfFile: traceFile, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ")
            guard fields.count >= 4, let ns = UInt64(fields[0]), let keystroke = Int(fields[3]) else { continue }
            func value(_ name: String) -> Int {
                fields.dropFirst(4).first { $0.hasPrefix(name + "=") }.flatMap { Int($0.dropFirst(name.count + 1)) } ?? 0
            }
            events.append((Double(ns) / 1e9, String(fields[1]), keystroke, value("outq"), value("work")))
        }
        for sample in samples {
            let window = events.filter { $0.t >= sample.typed && $0.t <= sample.seen }
            guard let key = window.last(where: { $0.stage == "key" }) else { missing += 1; continue }
            let mine = window.filter { $0.keystroke == key.keystroke }
            func at(_ stage: String) -> (t: Double, outq: Int)? { mine.first { $0.stage == stage }.map { ($0.t, $0.outq) } }
            guard let sent = at("sent"), let received = at("received"), let fed = at("fed"),
                  let frame = at("frame"), let drawn = at("drawn") else { missing += 1; continue }
            let points = [sample.typed, key.t, sent.t, received.t, fed.t, frame.t, drawn.t, sample.seen]
            let stages = zip(points.dropFirst(), points).map { ($0 - $1) * 1000 }
            rows.append((stages, sample.milliseconds, drawn.outq, Double(key.work) / 1000))
        }
    }

    /// Lines: each stage's p50 and p99, and the mean of each stage over the slowest 5 % of samples.
    func report(indent: String) -> [String] {
        guard !rows.isEmpty else { return ["\(indent)no samples matched the trace (\(missing) missing)"] }
        let slowCut = Statistics.percentile(rows.map(\.total), 95)
        let slow = rows.filter { $0.total >= slowCut }
        var lines = ["\(indent)stage            p50 ms   p99 ms   mean of slowest 5% (\(slow.count) samples ≥ \(fmt(slowCut, 1)) ms)"]
        for (index, name) in Self.stages.enumerated() {
            let values = rows.map { $0.stages[index] }
            let slowMean = slow.map { $0.stages[index] }.reduce(0, +) / Double(max(1, slow.count))
            lines.append(indent + name.padding(toLength: 15, withPad: " ", startingAt: 0)
                + String(format: " %7.2f  %7.2f   %7.2f", Statistics.percentile(values, 50), Statistics.percentile(values, 99), slowMean))
        }
        let outq = rows.map { Double($0.outq) }
        let slowOutq = slow.map { Double($0.outq) }.reduce(0, +) / Double(max(1, slow.count))
        let work = rows.map(\.workBeforeKey)
        lines.append(indent + "(UI loop busy before the key's poll: p50 \(fmt(Statistics.percentile(work, 50))) ms, p99 \(fmt(Statistics.percentile(work, 99))) ms, slowest 5% mean \(fmt(slow.map(\.workBeforeKey).reduce(0, +) / Double(max(1, slow.count)))) ms — at most this of typed→key is the console's)")
        lines.append(indent + "outer terminal backlog at drawn: p50 \(Int(Statistics.percentile(outq, 50))) B, p99 \(Int(Statistics.percentile(outq, 99))) B, slowest 5% mean \(Int(slowOutq)) B"
            + (missing > 0 ? "; \(missing) samples not in the trace" : ""))
        return lines
    }
}
