import Foundation
import XCTest

/// `porthole play` on a terminal: timing, the idle cap and the keys, seen through a real pty.
final class PlayCLITests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-play-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Three output events with long pauses between them, ending with exit code 0.
    func writeCast(gaps: [Double], width: Int = 80) throws -> URL {
        var lines = ["{\"version\": 2, \"width\": \(width), \"height\": 24}"]
        var time = 0.1
        for (index, word) in ["alpha", "bravo", "charlie"].enumerated() {
            lines.append("[\(time), \"o\", \"\(word)-\(index)\\r\\n\"]")
            time += index < gaps.count ? gaps[index] : 0
        }
        lines.append("[\(time), \"m\", \"exit 0\"]")
        let file = directory.appendingPathComponent("c.cast")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    func testIdleTimeLimitCapsLongPauses() throws {
        // 60 s of pauses in the file; capped at 0.2 s each, the replay is over well within the bound.
        let cast = try writeCast(gaps: [30, 30])
        let started = Date()
        let session = try PTYScript.run([PortholeCLI.binary.path, "play", "--idle-time-limit", "0.2", cast.path], steps: [
            .expect("alpha-0"), .expect("bravo-1"), .expect("charlie-2"),
            .expect("recording ended: session exited with code 0"),
        ], timeout: 20, in: directory)
        XCTAssertEqual(session.status, 0, session.output)
        XCTAssertLessThan(Date().timeIntervalSince(started), 25)
    }

    func testSpacePausesDotStepsQQuits() throws {
        // 40 s between events: only the step key can show "bravo" within the bound.
        let cast = try writeCast(gaps: [40, 40])
        let session = try PTYScript.run([PortholeCLI.binary.path, "play", cast.path], steps: [
            .expect("alpha-0"),
            .send(" "),
            .send("."),
            .expect("bravo-1"),
            .send("q"),
            .expect("replay stopped"),
        ], timeout: 20, in: directory)
        XCTAssertEqual(session.status, 0, session.output)
        XCTAssertFalse(session.output.contains("charlie"), session.output)
    }

    func testSpeedFactor() throws {
        // 4 s of recorded pauses at 8x: half a second. Recorded wider than the pty: a note says so.
        let cast = try writeCast(gaps: [2, 2], width: 200)
        let started = Date()
        let session = try PTYScript.run([PortholeCLI.binary.path, "play", "--speed", "8", cast.path], steps: [
            .expect("charlie-2"),
        ], timeout: 20, in: directory)
        XCTAssertEqual(session.status, 0, session.output)
        XCTAssertTrue(session.output.contains("recorded at 200x24, this terminal is 90x25"), session.output)
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertLessThan(elapsed, 3.5, "at 8x the 4 s of pauses take 0.5 s (generous bound for a loaded machine)")
        XCTAssertGreaterThan(elapsed, 0.5, "the pauses are kept, only shorter")
    }
}
