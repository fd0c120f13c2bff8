import Foundation
import ProcessHarness
import SessionRecording
import XCTest

/// `{prefix} R` through tmux: a real pane's session recorded as asciicast v2,
/// read back by SessionRecording and by asciinema itself, and the audit log
/// naming a recording that started with its session.
final class ConsoleRecordingTests: ConsoleTestCase {
    var recordings: URL { tmux.workDirectory.appendingPathComponent("state/porthole/recordings") }
    var auditLog: URL { tmux.workDirectory.appendingPathComponent("state/porthole/audit.log") }

    /// The recording files, oldest first (names end in the time, then _N).
    func recordingFiles() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: recordings.path)) ?? []
        return names.filter { $0.hasSuffix(".cast") }.sorted().map { recordings.appendingPathComponent($0) }
    }

    func testRecordingAPaneWritesAnAsciicastThatAsciinemaReads() throws {
        let id = try loginSelected()
        try tmux.typeLine("echo before-$((5*5))")
        try tmux.waitFor("before-25")
        try tmux.press("C-a", "R")
        try tmux.waitFor("● REC · cpu-burner / \(id) · shell")
        try tmux.waitFor("recording to \(recordings.path)")
        try tmux.typeLine("echo rec-$((6*7))")
        try tmux.waitFor("rec-42")
        // A resize while recording is an "r" event with the pane's new size.
        try tmux.resize(cols: 140, rows: 40)
        let resized = try XCTUnwrap(ConsoleSessionTests.paneSize(cols: 140, rows: 40))
        try tmux.waitUntil("the console redrawn at 140 columns") { screen in
            screen.contains { $0.hasSuffix("┐") && Array($0).count == 140 }
        }
        try tmux.typeLine("echo after-$((7*7))")
        try tmux.waitFor("after-49")
        try tmux.press("C-a", "R")
        try tmux.waitFor("recording stopped")
        try tmux.waitUntil("the REC mark gone") { !ScreenReading.contains($0, "● REC") }

        let files = recordingFiles()
        XCTAssertEqual(files.count, 1, "\(files)")
        let file = try XCTUnwrap(files.first)
        XCTAssertTrue(file.lastPathComponent.hasPrefix("cpu-burner_\(id)_"), file.lastPathComponent)
        let recording = try Asciicast.read(path: file.path)
        let started = try XCTUnwrap(ConsoleSessionTests.paneSize(cols: 160, rows: 48))
        XCTAssertEqual(recording.header.width, started.cols)
        XCTAssertEqual(recording.header.height, started.rows)
        XCTAssertEqual(recording.header.title, "porthole console: cpu-burner / \(id) · shell")
        XCTAssertEqual(recording.header.env["TERM"], "xterm-256color")
        // Started mid-session: the file opens with the screen as it was (an "o" event), then the new output.
        XCTAssertEqual(recording.events.first?.kind.code, "o")
        let opening = try XCTUnwrap(recording.events.first?.kind.data)
        XCTAssertTrue(opening.contains("before-25") && !opening.contains("rec-42"), opening)
        XCTAssertTrue(recording.output.contains("rec-42"), recording.output)
        XCTAssertTrue(recording.output.contains("after-49"), recording.output)
        XCTAssertTrue(recording.events.contains { $0.kind == .resize(cols: resized.cols, rows: resized.rows) },
                      "the resize is recorded: \(recording.events.filter { $0.kind.code == "r" })")
        XCTAssertFalse(recording.events.contains { $0.kind.code == "i" }, "what is typed is not recorded")
        XCTAssertEqual(recording.end, .reason("recording stopped; the session went on"))

        let asciinema = try Asciinema.cat(file)
        XCTAssertEqual(asciinema.status, 0, asciinema.stderrText)
        XCTAssertEqual(asciinema.stdoutText, recording.output, "asciinema reads the same output")
    }

    func testARecordingThatStartsWithItsSessionIsNamedInTheAuditLog() throws {
        let id = try loginSelected()
        try tmux.press("C-a", "R")
        try tmux.waitFor("● REC · cpu-burner / \(id)")
        try tmux.typeLine("exit 4")
        try tmux.waitFor("session ended; recording saved")
        try tmux.waitFor("○ REC on reconnect · cpu-burner / \(id)")
        // Enter reconnects; the new session records from its start.
        try tmux.press("Enter")
        try tmux.waitFor("recorded from the start, so the audit log names it")
        try tmux.waitFor("● REC · cpu-burner / \(id) · shell")
        try tmux.typeLine("echo second-$((2*9))")
        try tmux.waitFor("second-18")
        try tmux.typeLine("exit 5")
        try tmux.waitFor("/ \(id) · shell · exited 5")

        let files = recordingFiles()
        XCTAssertEqual(files.count, 2, "\(files)")
        guard files.count == 2 else { return }
        let first = try Asciicast.read(path: files[0].path)
        let second = try Asciicast.read(path: files[1].path)
        XCTAssertEqual(first.end, .exitCode(4), "the session's end is the last marker")
        XCTAssertEqual(second.end, .exitCode(5))
        XCTAssertTrue(second.output.contains("second-18"), second.output)

        // The server writes a session's audit line when it ends.
        var entries: [[String: Any]] = []
        let deadline = Date().addingTimeInterval(20)
        repeat {
            let text = (try? String(contentsOf: auditLog, encoding: .utf8)) ?? ""
            entries = text.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }.filter { $0["instance"] as? String == id }
            if entries.contains(where: { $0["exitCode"] as? Int == 5 }) { break }
            usleep(100_000)
        } while Date() < deadline
        let recorded = try XCTUnwrap(entries.first { $0["exitCode"] as? Int == 5 }, "\(entries)")
        XCTAssertEqual(recorded["recording"] as? String, files[1].path, "the audit line names the recording")
        let midSession = try XCTUnwrap(entries.first { $0["exitCode"] as? Int == 4 }, "\(entries)")
        XCTAssertNil(midSession["recording"], "a recording started mid-session cannot be named")
    }

    func testAReleasedInstanceEndsTheRecordingWithTheReason() throws {
        try tmux.press("Right")  // env-printer keeps one provisioned instance
        try tmux.waitFor("Instances · env-printer")
        let id = try loginSelected()
        try tmux.press("C-a", "R")
        try tmux.waitFor("● REC · env-printer / \(id)")
        try tmux.press("C-a", ":")
        try tmux.typeLine("scale env-printer 0")
        try tmux.waitFor("/ \(id) · shell · instance released")
        // The recording ended with the session; nothing to reconnect to, so no next session is set to record.
        try tmux.waitUntil("the REC mark gone") { !ScreenReading.contains($0, "REC") }
        let file = try XCTUnwrap(recordingFiles().first)
        guard case .reason(let why)? = try Asciicast.read(path: file.path).end else {
            return XCTFail("no end marker with a reason in \(file.path)")
        }
        XCTAssertTrue(why.hasPrefix("instance released"), why)
    }
}
