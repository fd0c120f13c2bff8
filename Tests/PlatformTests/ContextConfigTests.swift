import Foundation
import XCTest

@testable import Platform

final class ContextConfigTests: XCTestCase {
    /// `yaml` in a file of its own, removed when the test ends.
    func write(_ yaml: String) throws -> URL {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString.prefix(8)).yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: file) }
        return file
    }

    func testReadsContextsAndPreferences() throws {
        let file = try write("""
            current-context: staging
            theme: light
            refresh: 1.5
            prefix: C-b
            contexts:
              - name: staging
                backend: local
                server: http://127.0.0.1:7000
                tokenFile: /tmp/staging.token
            """)
        let config = try ContextConfig.load(file: file)
        XCTAssertEqual(config.currentContext, "staging")
        XCTAssertEqual(config.theme, "light")
        XCTAssertEqual(config.refreshSeconds, 1.5)
        XCTAssertEqual(config.prefixKey, "C-b")
        XCTAssertEqual(config.contexts, [.init(name: "staging", backend: "local", server: "http://127.0.0.1:7000", tokenFile: "/tmp/staging.token")])
    }

    func testClipboardAndSessionIdleTimeout() throws {
        XCTAssertFalse(ContextConfig().allowProgramClipboard, "programs may not set the clipboard unless allowed")
        let config = try ContextConfig.load(file: try write("clipboard: allow\nsession-idle-timeout: 600\n"))
        XCTAssertTrue(config.allowProgramClipboard)
        XCTAssertEqual(config.sessionIdleTimeout, 600)
        XCTAssertFalse(try ContextConfig.load(file: try write("clipboard: deny\n")).allowProgramClipboard)
        XCTAssertThrowsError(try ContextConfig.load(file: try write("theme: dark\nclipboard: yes\n"))) {
            XCTAssertTrue("\($0)".contains(":2: clipboard: expected allow or deny"), "\($0)")
        }
        XCTAssertThrowsError(try ContextConfig.load(file: try write("session-idle-timeout: soon\n"))) {
            XCTAssertTrue("\($0)".contains("session-idle-timeout: expected whole seconds"), "\($0)")
        }
    }

    func testMissingFileIsEmpty() throws {
        XCTAssertEqual(try ContextConfig.load(file: URL(fileURLWithPath: "/nonexistent/config.yaml")), ContextConfig())
    }

    func testBadKeysAreNamedWithTheirLine() throws {
        let file = try write("theme: dark\nrefesh: 2\n")
        XCTAssertThrowsError(try ContextConfig.load(file: file)) {
            XCTAssertTrue("\($0)".contains("config-") && "\($0)".contains(":2: refesh: unknown key"), "\($0)")
        }
        let negative = try write("refresh: -1\n")
        XCTAssertThrowsError(try ContextConfig.load(file: negative)) { XCTAssertTrue("\($0)".contains("refresh: expected seconds"), "\($0)") }
    }

    func testKeysKeepTheirLineForTheConsole() throws {
        let file = try write("theme: dark\nkeys:\n  help: F1\n  up: [k, Up]\n  down: j Down\n")
        let config = try ContextConfig.load(file: file)
        XCTAssertEqual(config.keys.map(\.action), ["help", "up", "down"])
        XCTAssertEqual(config.keys.map(\.keys), [["F1"], ["k", "Up"], ["j", "Down"]])
        XCTAssertEqual(config.keys[1].location, "\(file.path):4")
        XCTAssertThrowsError(try ContextConfig.load(file: try write("keys: F1\n"))) {
            XCTAssertTrue("\($0)".contains(":1: keys: expected a mapping"), "\($0)")
        }
        XCTAssertThrowsError(try ContextConfig.load(file: try write("keys:\n  help: []\n"))) {
            XCTAssertTrue("\($0)".contains(":2: keys: help: expected a key"), "\($0)")
        }
    }

    func testUnknownContextAndUnsupportedBackendAreClear() throws {
        let config = try ContextConfig.load(file: try write("contexts:\n  - name: prod\n    backend: kubernetes\n"))
        XCTAssertThrowsError(try config.backend(context: "nope")) { XCTAssertTrue("\($0)".contains("known: prod"), "\($0)") }
        XCTAssertThrowsError(try config.backend(context: "prod")) { XCTAssertTrue("\($0)".contains("not supported"), "\($0)") }
    }
}
