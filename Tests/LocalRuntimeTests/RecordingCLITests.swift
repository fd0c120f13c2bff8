import Foundation
import Platform
import ProcessHarness
import SessionRecording
import XCTest

/// `porthole exec --record` and `porthole play` end to end: the real binary, a
/// real pty, a real platform, and the recording read back by asciinema itself.
final class RecordingCLITests: XCTestCase {
    var platform: TestPlatform!
    var instance: Instance!
    var cli: PortholeCLI!

    override func setUp() async throws {
        platform = try await TestPlatform.simple()
        instance = try await platform.waitForRunning("fn").first
        cli = try PortholeCLI(platform: platform)
    }

    override func tearDown() async throws {
        await platform?.shutdown()
    }

    func testTTYSessionRecordingPlaysInAsciinemaAndPortholePlay() async throws {
        let cast = platform.directory.appendingPathComponent("shell.cast")
        let argv = [PortholeCLI.binary.path, "exec", "-it", "--record", cast.path] + cli.serverArguments
            + [instance.instanceId, "--", "sh"]
        let session = try PTYScript.run(argv, cols: 90, rows: 25, steps: [
            .expect("[#$] "),
            .send("stty size; echo M$((6*7))K\r"),
            .expect("M42K"),
            .resize(cols: 100, rows: 30),
            .sendUntil("stty size\r", pattern: "30 100", every: 0.5),
            .send("exit 3\r"),
        ], in: platform.directory)
        XCTAssertEqual(session.status, 3, "porthole exits with the remote code; the screen showed: \(session.output)")

        let recording = try Asciicast.read(path: cast.path)
        XCTAssertEqual(recording.header.width, 90)
        XCTAssertEqual(recording.header.height, 25)
        XCTAssertEqual(recording.header.command, "sh")
        XCTAssertEqual(recording.header.title, "porthole exec \(instance.instanceId) (fn)")
        XCTAssertEqual(recording.header.env, ["TERM": "xterm-256color", "SHELL": "/bin/bash"])
        let now = Int(Date().timeIntervalSince1970)
        XCTAssertTrue((now - 120...now).contains(recording.header.timestamp ?? 0), "\(String(describing: recording.header.timestamp))")
        XCTAssertTrue(recording.output.contains("25 90\r\nM42K"), recording.output)
        XCTAssertTrue(recording.output.contains("30 100"), recording.output)
        XCTAssertTrue(recording.events.contains { $0.kind == .resize(cols: 100, rows: 30) }, "the resize is recorded")
        XCTAssertFalse(recording.events.contains { if case .input = $0.kind { return true } else { return false } },
                       "input is not recorded without --record-input")
        XCTAssertEqual(recording.end, .exitCode(3))
        XCTAssertEqual(recording.events.last?.kind, .marker("exit 3"), "the end marker is the last event")
        XCTAssertTrue(session.output.contains("M42K"))

        let asciinema = try Asciinema.cat(cast)
        XCTAssertEqual(asciinema.status, 0, asciinema.stderrText)
        XCTAssertEqual(asciinema.stdoutText, recording.output, "asciinema prints the same output")

        let played = try cli.run(["play", cast.path], server: false)
        XCTAssertEqual(played.status, 0, played.stderrText)
        XCTAssertEqual(played.stdoutText, recording.output, "porthole play (not a terminal) writes the output stream")

        let audit = try String(contentsOf: platform.directory.appendingPathComponent("state/audit.log"), encoding: .utf8)
        let line = try XCTUnwrap(audit.split(separator: "\n").last { $0.contains(instance.instanceId) && $0.contains("\"sh\"") })
        let entry = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        XCTAssertEqual(entry["recording"] as? String, cast.path, "the audit line names the recording")
        XCTAssertEqual(entry["exitCode"] as? Int, 3)
    }

    func testInputIsRecordedOnlyWithRecordInput() throws {
        let plain = platform.directory.appendingPathComponent("plain.cast")
        let typed = platform.directory.appendingPathComponent("typed.cast")
        let stdin = Array("first line\nsecond line\n".utf8)
        let withoutInput = try cli.run(["exec", "-i", "--record", plain.path, instance.instanceId, "--", "cat"], stdin: stdin)
        XCTAssertEqual(withoutInput.status, 0, withoutInput.stderrText)
        let withInput = try cli.run(["exec", "-i", "--record", typed.path, "--record-input", instance.instanceId, "--", "cat"], stdin: stdin)
        XCTAssertEqual(withInput.status, 0, withInput.stderrText)
        XCTAssertEqual(withInput.stdoutText, "first line\nsecond line\n")

        let plainCast = try Asciicast.read(path: plain.path)
        XCTAssertEqual(plainCast.output, "first line\nsecond line\n")
        XCTAssertEqual(plainCast.input, "")
        XCTAssertEqual(plainCast.header.width, 80, "no terminal: 80x24, what the session would have had")
        let typedCast = try Asciicast.read(path: typed.path)
        XCTAssertEqual(typedCast.input, "first line\nsecond line\n")
        XCTAssertEqual(typedCast.end, .exitCode(0))
        XCTAssertEqual(try Asciinema.cat(typed).stdoutText, "first line\nsecond line\n")
    }

    func testSessionWithoutExitCodeRecordsWhy() throws {
        let cast = platform.directory.appendingPathComponent("missing.cast")
        let run = try cli.run(["exec", "--record", cast.path, instance.instanceId, "--", "no-such-command-xyz"])
        XCTAssertEqual(run.status, 127)
        let recording = try Asciicast.read(path: cast.path)
        guard case .reason(let why)? = recording.end else { return XCTFail("\(String(describing: recording.end))") }
        XCTAssertTrue(why.hasPrefix("command not found: "), why)
        XCTAssertTrue(why.contains("no-such-command-xyz"), why)
    }

    func testInterruptedSessionSaysSoInTheRecording() throws {
        let cast = platform.directory.appendingPathComponent("interrupted.cast")
        let argv = [PortholeCLI.binary.path, "exec", "--record", cast.path] + cli.serverArguments
            + [instance.instanceId, "--", "sh", "-c", "echo started; sleep 30"]
        // No -t: the local terminal turns Ctrl-C into SIGINT for porthole, as for any command.
        let session = try PTYScript.run(argv, steps: [.expect("started"), .send("\u{03}")], in: platform.directory)
        XCTAssertEqual(session.status, 128 + SIGINT, session.output)
        let recording = try Asciicast.read(path: cast.path)
        XCTAssertEqual(recording.output, "started\n")
        XCTAssertEqual(recording.end, .reason("porthole stopped by signal \(SIGINT)"))
    }

    func testRecordingErrorsAreClear() throws {
        let unwritable = try cli.run(["exec", "--record", "/nonexistent/dir/x.cast", instance.instanceId, "--", "true"])
        XCTAssertEqual(unwritable.status, 1)
        XCTAssertEqual(unwritable.stderrText, "porthole: cannot create the recording /nonexistent/dir/x.cast: No such file or directory\n")

        let broken = platform.directory.appendingPathComponent("broken.cast")
        try "{\"version\": 2, \"width\": 80, \"height\": 24}\n[0.1, \"o\", \"hi\"]\n[0.2, \"o\"]\n".write(to: broken, atomically: true, encoding: .utf8)
        let played = try cli.run(["play", broken.path], server: false)
        XCTAssertEqual(played.status, 1)
        XCTAssertEqual(played.stderrText, "porthole: \(broken.path):3: an event has 3 elements [time, type, data], this one has 2\n")

        let flags = try cli.run(["exec", "--record-input", instance.instanceId, "--", "true"])
        XCTAssertNotEqual(flags.status, 0)
        XCTAssertTrue(flags.stderrText.contains("--record-input needs --record FILE.cast"), flags.stderrText)
    }
}
