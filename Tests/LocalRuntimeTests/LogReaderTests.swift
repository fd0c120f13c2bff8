import Foundation
@testable import LocalRuntime
import XCTest

/// `LogReader` on a file of the test's own, for what a running instance cannot
/// time exactly: a cut after which the log regrows past the reader's offset
/// before it looks again.
final class LogReaderTests: XCTestCase {
    func testACutIsSeenEvenWhenTheLogRegrewPastTheOffset() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-logreader-\(UUID().uuidString.prefix(8)).log")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("old line 1\nold line 2\n".utf8).write(to: file)
        let cuts = LogCuts()
        let ended = EndFlag()
        let counter = LogReader.Counter()
        let reader = try LogReader(
            source: .init(file: file, cuts: cuts, hasEnded: { ended.value }), tailLines: nil, follow: true, counter: counter)
        XCTAssertEqual(counter.open, 1)
        let first = try await reader.next()
        XCTAssertEqual(first.map { String(decoding: $0, as: UTF8.self) }, "old line 1\nold line 2\n")

        // Cut, then more new output than the reader had read: only the count tells.
        let regrown = "[note]\n" + String(repeating: "new output line\n", count: 10)
        cuts.cut {
            // As truncateLongLogs does: the same file, emptied, then written.
            XCTAssertEqual(truncate(file.path, 0), 0)
            let handle = FileHandle(forWritingAtPath: file.path)
            handle?.write(Data(regrown.utf8))
            try? handle?.close()
        }
        var text = ""
        while text.utf8.count < regrown.utf8.count, let chunk = try await reader.next() {
            text += String(decoding: chunk, as: UTF8.self)
        }
        XCTAssertEqual(text, regrown)

        // Ended and drained: the end.
        ended.value = true
        let last = try await reader.next()
        XCTAssertNil(last)
        reader.close()
        XCTAssertEqual(counter.open, 0)
    }

    func testLastLines() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-logreader-\(UUID().uuidString.prefix(8)).log")
        defer { try? FileManager.default.removeItem(at: file) }
        for (content, lines, expected) in [
            ("a\nb\nc\n", 2, "b\nc\n"), ("a\nb\nc", 2, "b\nc"), ("a\nb\nc\n", 5, "a\nb\nc\n"), ("a\nb\nc\n", 0, ""),
            ("", 3, ""), ("\n\n\n", 2, "\n\n"), ("only", 1, "only"),
        ] {
            try Data(content.utf8).write(to: file)
            let fd = open(file.path, O_RDONLY)
            defer { close(fd) }
            let start = Int(LogReader.startOfLastLines(lines, fd: fd))
            XCTAssertEqual(String(content.utf8.dropFirst(start))!, expected, "last \(lines) of \(content.debugDescription)")
        }
    }
}

/// A flag the test sets and the reader's `hasEnded` reads.
final class EndFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    var value: Bool {
        get { lock.withLock { flag } }
        set { lock.withLock { flag = newValue } }
    }
}
