import Foundation

extension Asciicast {
    /// Parses and validates asciicast v2 text; `source` names it in errors.
    /// Every problem is reported with its line number and what is wrong there.
    public static func parse(_ data: Data, source: String) throws -> Asciicast {
        guard let text = String(data: data, encoding: .utf8) else {
            throw AsciicastError.invalidLine(
                path: source, line: firstInvalidUTF8Line(data), problem: "not UTF-8 text; asciicast files are UTF-8 JSON lines")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // A final newline (and blank lines after the last event) are allowed; blank lines inside are not.
        while let last = lines.last, last.allSatisfy({ $0 == "\r" || $0 == " " }) { lines.removeLast() }
        guard let first = lines.first else { throw AsciicastError.empty(path: source) }
        let header = try parseHeader(first, source: source)
        var events: [AsciicastEvent] = []
        events.reserveCapacity(lines.count - 1)
        var previous = 0.0
        for (offset, line) in lines.dropFirst().enumerated() {
            let number = offset + 2
            let event = try parseEvent(line, number: number, source: source)
            guard event.time >= previous else {
                throw AsciicastError.invalidLine(
                    path: source, line: number,
                    problem: "time \(event.time) is earlier than the event before it (\(previous)); event times must not go back")
            }
            previous = event.time
            events.append(event)
        }
        return Asciicast(header: header, events: events)
    }

    static func json(_ line: Substring, number: Int, source: String) throws -> JSONValue {
        if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) {
            throw AsciicastError.invalidLine(path: source, line: number, problem: "a blank line; every line after the header is one event")
        }
        do {
            return try JSONValue.parse(line)
        } catch let error as JSONSyntaxError {
            throw AsciicastError.invalidLine(path: source, line: number, problem: "column \(error.column): \(error.message)")
        }
    }

    static func parseHeader(_ line: Substring, source: String) throws -> AsciicastHeader {
        let fail = { (problem: String) in AsciicastError.invalidLine(path: source, line: 1, problem: problem) }
        guard case .object(let fields) = try json(line, number: 1, source: source) else {
            throw fail("the header must be a JSON object like {\"version\": 2, \"width\": 80, \"height\": 24}")
        }
        guard let version = fields["version"] else { throw fail("the header has no \"version\"; asciicast v2 needs \"version\": 2") }
        guard version == .number(2) else {
            let shown = if case .number(let n) = version { JSONText.number(n) } else { version.kindName }
            throw fail("version \(shown) is not supported; only asciicast v2 (\"version\": 2) can be read")
        }
        func size(_ key: String) throws -> Int {
            guard let value = fields[key] else { throw fail("the header has no \"\(key)\"") }
            guard case .number(let n) = value, n == n.rounded(), n >= 1, n <= 10_000 else {
                throw fail("\"\(key)\" must be a whole number of \(key == "width" ? "columns" : "rows") from 1 to 10000")
            }
            return Int(n)
        }
        func text(_ key: String) throws -> String? {
            switch fields[key] {
            case nil, .null?: return nil
            case .string(let s)?: return s
            case let other?: throw fail("\"\(key)\" must be a string, not \(other.kindName)")
            }
        }
        var header = AsciicastHeader(width: try size("width"), height: try size("height"))
        switch fields["timestamp"] {
        case nil, .null?: break
        case .number(let n)?: header.timestamp = Int(n)
        case let other?: throw fail("\"timestamp\" must be a number of seconds since 1970, not \(other.kindName)")
        }
        switch fields["idle_time_limit"] {
        case nil, .null?: break
        case .number(let n)? where n > 0: header.idleTimeLimit = n
        case let other?: throw fail("\"idle_time_limit\" must be a positive number of seconds, not \(other.kindName)")
        }
        header.command = try text("command")
        header.title = try text("title")
        switch fields["env"] {
        case nil, .null?: break
        case .object(let env)?:
            for (key, value) in env {
                guard case .string(let s) = value else { throw fail("\"env\".\"\(key)\" must be a string, not \(value.kindName)") }
                header.env[key] = s
            }
        case let other?: throw fail("\"env\" must be an object of strings, not \(other.kindName)")
        }
        return header
    }

    static func parseEvent(_ line: Substring, number: Int, source: String) throws -> AsciicastEvent {
        let fail = { (problem: String) in AsciicastError.invalidLine(path: source, line: number, problem: problem) }
        guard case .array(let parts) = try json(line, number: number, source: source) else {
            throw fail("an event must be a JSON array [time, type, data], like [0.5, \"o\", \"text\"]")
        }
        guard parts.count == 3 else { throw fail("an event has 3 elements [time, type, data], this one has \(parts.count)") }
        guard case .number(let time) = parts[0], time >= 0, time.isFinite else {
            throw fail("the event's time must be a number of seconds from the start, not \(parts[0].kindName)")
        }
        guard case .string(let code) = parts[1] else { throw fail("the event's type must be a string (\"o\", \"i\", \"r\" or \"m\"), not \(parts[1].kindName)") }
        guard case .string(let data) = parts[2] else { throw fail("the event's data must be a string, not \(parts[2].kindName)") }
        switch code {
        case "o": return AsciicastEvent(time: time, kind: .output(data))
        case "i": return AsciicastEvent(time: time, kind: .input(data))
        case "m": return AsciicastEvent(time: time, kind: .marker(data))
        case "r":
            let size = data.split(separator: "x", omittingEmptySubsequences: false)
            guard size.count == 2, let cols = Int(size[0]), let rows = Int(size[1]), cols > 0, rows > 0 else {
                throw fail("a resize event's data must be COLUMNSxROWS, like \"120x40\", not \"\(data)\"")
            }
            return AsciicastEvent(time: time, kind: .resize(cols: cols, rows: rows))
        default:
            throw fail("unknown event type \"\(code)\"; asciicast v2 has \"o\" (output), \"i\" (input), \"r\" (resize) and \"m\" (marker)")
        }
    }

    /// The 1-based line holding the first byte sequence that is not UTF-8.
    static func firstInvalidUTF8Line(_ data: Data) -> Int {
        var line = 1
        var start = data.startIndex
        for index in data.indices where data[index] == 0x0A {
            if String(data: data[start..<index], encoding: .utf8) == nil { return line }
            line += 1
            start = index + 1
        }
        return line
    }
}
