import Foundation

/// A whole recording in memory: its header and its events in time order.
public struct Asciicast: Sendable, Equatable {
    public var header: AsciicastHeader
    public var events: [AsciicastEvent]

    public init(header: AsciicastHeader, events: [AsciicastEvent]) {
        self.header = header
        self.events = events
    }

    /// Everything the terminal showed, in order (the "o" events joined).
    public var output: String {
        var text = ""
        for event in events {
            if case .output(let chunk) = event.kind { text += chunk }
        }
        return text
    }

    /// Everything the user typed, when input was recorded (the "i" events joined).
    public var input: String {
        var text = ""
        for event in events {
            if case .input(let chunk) = event.kind { text += chunk }
        }
        return text
    }

    /// How the session ended, from the last marker that says so; nil when the
    /// recording stopped before the session ended (or another tool made it).
    public var end: RecordedEnd? {
        for event in events.reversed() {
            if case .marker(let label) = event.kind, let end = RecordedEnd(markerLabel: label) { return end }
        }
        return nil
    }

    /// Seconds from the start to the last event.
    public var duration: Double { events.last?.time ?? 0 }

    /// Reads and validates the file at `path`.
    public static func read(path: String) throws -> Asciicast {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? error.localizedDescription : "no such file"
            throw AsciicastError.cannotRead(path: path, reason: reason)
        }
        return try parse(data, source: path)
    }
}
