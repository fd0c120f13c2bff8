import Foundation
import SessionRecording
import XCTest

/// The writer's files, read back by our own reader (the CLI tests read them with asciinema too).
final class AsciicastWriterTests: XCTestCase {
    var directory: URL!

    override func setUp() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-cast-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A clock the test moves by hand.
    final class ManualClock: @unchecked Sendable {
        private let lock = NSLock()
        private var seconds = 0.0
        func advance(_ by: Double) { lock.withLock { seconds += by } }
        var now: Double { lock.withLock { seconds } }
    }

    func testRoundTripKeepsHeaderEventsTimesAndEnd() throws {
        let path = directory.appendingPathComponent("s.cast").path
        let clock = ManualClock()
        let header = AsciicastHeader(
            width: 80, height: 24, timestamp: 1_790_000_000, command: "sh -c 'echo \"hi\"'", title: "porthole exec c-1 (fn)",
            env: ["TERM": "xterm-256color", "SHELL": "/bin/bash"])
        let writer = try AsciicastWriter(path: path, header: header, recordInput: false, clock: { clock.now })
        clock.advance(0.25)
        writer.output(Array("hello \u{1b}[1mbold\u{1b}[0m\r\n\t\"q\" \\ \u{7}".utf8))
        clock.advance(1.5)
        writer.resize(cols: 100, rows: 30)
        writer.input(Array("secret\r".utf8))
        clock.advance(0.000_001)
        writer.output(Array("done\r\n".utf8))
        writer.finish(.exitCode(3))
        writer.output(Array("after the end".utf8))
        XCTAssertNil(writer.error)

        let cast = try Asciicast.read(path: path)
        XCTAssertEqual(cast.header, header)
        XCTAssertEqual(cast.events, [
            AsciicastEvent(time: 0.25, kind: .output("hello \u{1b}[1mbold\u{1b}[0m\r\n\t\"q\" \\ \u{7}")),
            AsciicastEvent(time: 1.75, kind: .resize(cols: 100, rows: 30)),
            AsciicastEvent(time: 1.750001, kind: .output("done\r\n")),
            AsciicastEvent(time: 1.750001, kind: .marker("exit 3")),
        ])
        XCTAssertEqual(cast.end, .exitCode(3))
        XCTAssertEqual(cast.input, "", "input is not recorded unless asked for")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("{\"version\": 2, \"width\": 80, \"height\": 24, \"timestamp\": 1790000000, "), text)
        XCTAssertTrue(text.contains("[0.250000, \"o\", \"hello \\u001b[1mbold"), text)
        XCTAssertTrue(text.contains("[1.750000, \"r\", \"100x30\"]"), text)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600, "a session's output may hold secrets")
    }

    func testInputIsRecordedOnlyWhenAsked() throws {
        let path = directory.appendingPathComponent("i.cast").path
        let writer = try AsciicastWriter(path: path, header: AsciicastHeader(width: 10, height: 5), recordInput: true)
        writer.input(Array("ls\r".utf8))
        writer.finish(.reason("instance released: scaled in"))
        let cast = try Asciicast.read(path: path)
        XCTAssertEqual(cast.input, "ls\r")
        XCTAssertEqual(cast.end, .reason("instance released: scaled in"))
    }

    func testCharactersSplitAcrossChunksStayWhole() throws {
        let path = directory.appendingPathComponent("u.cast").path
        let writer = try AsciicastWriter(path: path, header: AsciicastHeader(width: 10, height: 5))
        let bytes = Array("añ€😀z".utf8)
        // Every byte on its own: no event may hold half a character.
        for byte in bytes { writer.output([byte]) }
        writer.output([0xFF, 0x41])  // not UTF-8: replaced, the rest kept
        writer.output([0xE2, 0x82])  // cut short by the end of the session
        writer.finish(.exitCode(0))
        let cast = try Asciicast.read(path: path)
        XCTAssertEqual(cast.output, "añ€😀z\u{FFFD}A\u{FFFD}")
        XCTAssertFalse(cast.output.contains("\u{FFFD}\u{FFFD}\u{FFFD}"))
    }

    func testUncreatableFileSaysWhy() {
        let path = directory.appendingPathComponent("no/such/dir/x.cast").path
        XCTAssertThrowsError(try AsciicastWriter(path: path, header: AsciicastHeader(width: 1, height: 1))) { error in
            XCTAssertEqual("\(error)", "cannot create the recording \(path): No such file or directory")
        }
    }

    func testScheduleAppliesSpeedAndIdleCap() {
        let events = [0.5, 0.75, 10.75, 11.0].map { AsciicastEvent(time: $0, kind: .output("x")) }
        XCTAssertEqual(PlaybackSchedule(events: events, speed: 1, idleTimeLimit: nil).delays, [0.5, 0.25, 10, 0.25])
        XCTAssertEqual(PlaybackSchedule(events: events, speed: 2, idleTimeLimit: 2).delays, [0.25, 0.125, 1, 0.125])
        XCTAssertEqual(PlaybackSchedule(events: events, speed: 1, idleTimeLimit: 2).total, 3)
    }
}
