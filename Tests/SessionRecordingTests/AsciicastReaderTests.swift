import Foundation
import SessionRecording
import XCTest

/// Bad files get an error naming the line and what is wrong there.
final class AsciicastReaderTests: XCTestCase {
    func problem(_ text: String) -> String {
        do {
            _ = try Asciicast.parse(Data(text.utf8), source: "t.cast")
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    let header = "{\"version\": 2, \"width\": 80, \"height\": 24}\n"

    func testReadsAFileAsciinemaWrites() throws {
        // Written by asciinema 2.4 (`asciinema rec`), idle_time_limit and all.
        let text = """
            {"version": 2, "width": 120, "height": 40, "timestamp": 1700000000, "idle_time_limit": 2.5, "env": {"SHELL": "/bin/zsh", "TERM": "screen-256color"}}
            [0.012345, "o", "$ "]
            [1.5, "i", "l"]
            [2.0, "o", "\\u00e9\\ud83d\\ude00\\r\\n"]
            [3, "r", "90x20"]
            [4.25, "m", "chapter"]

            """
        let cast = try Asciicast.parse(Data(text.utf8), source: "a.cast")
        XCTAssertEqual(cast.header.idleTimeLimit, 2.5)
        XCTAssertEqual(cast.header.env["TERM"], "screen-256color")
        XCTAssertEqual(cast.output, "$ é😀\r\n")
        XCTAssertEqual(cast.events[3].kind, .resize(cols: 90, rows: 20))
        XCTAssertNil(cast.end, "a marker that is not porthole's end marker")
        XCTAssertEqual(cast.duration, 4.25)
    }

    func testHeaderProblems() {
        XCTAssertEqual(problem(""), "t.cast is empty: an asciicast v2 file starts with a JSON header line")
        XCTAssertEqual(problem("{\"version\": 1, \"width\": 80, \"height\": 24}\n"),
                       "t.cast:1: version 1 is not supported; only asciicast v2 (\"version\": 2) can be read")
        XCTAssertEqual(problem("{\"width\": 80, \"height\": 24}\n"),
                       "t.cast:1: the header has no \"version\"; asciicast v2 needs \"version\": 2")
        XCTAssertEqual(problem("{\"version\": 2, \"width\": 0, \"height\": 24}\n"),
                       "t.cast:1: \"width\" must be a whole number of columns from 1 to 10000")
        XCTAssertEqual(problem("[1, 2]\n"),
                       "t.cast:1: the header must be a JSON object like {\"version\": 2, \"width\": 80, \"height\": 24}")
        XCTAssertEqual(problem("{\"version\": 2, \"width\": 80, \"height\": 24, \"env\": {\"TERM\": 5}}\n"),
                       "t.cast:1: \"env\".\"TERM\" must be a string, not a number")
    }

    func testEventProblemsNameTheLine() {
        XCTAssertEqual(problem(header + "[0.1, \"o\", \"a\"]\n[0.2, \"o\" \"b\"]\n"),
                       "t.cast:3: column 11: expected ',' or ']' in an array")
        XCTAssertEqual(problem(header + "[0.1, \"o\"]\n"),
                       "t.cast:2: an event has 3 elements [time, type, data], this one has 2")
        XCTAssertEqual(problem(header + "[0.1, \"x\", \"a\"]\n"),
                       "t.cast:2: unknown event type \"x\"; asciicast v2 has \"o\" (output), \"i\" (input), \"r\" (resize) and \"m\" (marker)")
        XCTAssertEqual(problem(header + "[2, \"o\", \"a\"]\n[1, \"o\", \"b\"]\n"),
                       "t.cast:3: time 1.0 is earlier than the event before it (2.0); event times must not go back")
        XCTAssertEqual(problem(header + "[1, \"r\", \"80-24\"]\n"),
                       "t.cast:2: a resize event's data must be COLUMNSxROWS, like \"120x40\", not \"80-24\"")
        XCTAssertEqual(problem(header + "[\"1\", \"o\", \"a\"]\n"),
                       "t.cast:2: the event's time must be a number of seconds from the start, not a string")
        XCTAssertEqual(problem(header + "[1, \"o\", \"a\"]\n\n[2, \"o\", \"b\"]\n"),
                       "t.cast:3: a blank line; every line after the header is one event")
        XCTAssertEqual(problem(header + "[1, \"o\", \"a\u{1}\"]\n"),
                       "t.cast:2: column 12: a control character (0x1) inside a string must be escaped")
        XCTAssertEqual(problem(header + "[1, \"o\", \"abc\n"),
                       "t.cast:2: column 14: the line ends inside a string (missing closing '\"')")
    }

    func testInvalidUTF8NamesItsLine() {
        var data = Data((header + "[1, \"o\", \"a\"]\n[2, \"o\", \"").utf8)
        data.append(contentsOf: [0xC3, 0x28, 0x22, 0x5D, 0x0A])
        XCTAssertThrowsError(try Asciicast.parse(data, source: "t.cast")) { error in
            XCTAssertEqual("\(error)", "t.cast:3: not UTF-8 text; asciicast files are UTF-8 JSON lines")
        }
    }

    func testMissingFile() {
        XCTAssertThrowsError(try Asciicast.read(path: "/nonexistent/x.cast")) { error in
            XCTAssertEqual("\(error)", "cannot read /nonexistent/x.cast: no such file")
        }
    }
}
