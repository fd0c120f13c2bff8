import Foundation
import LocalRuntime
import XCTest

/// A live instance's log cannot grow without bound.
final class LogBoundTests: XCTestCase {
    var platform: TestPlatform?

    override func tearDown() async throws {
        await platform?.shutdown()
    }

    func testALiveInstancesLogIsCutPastItsCap() async throws {
        let p = try await TestPlatform(functionsYAML: """
            functions:
              - functionName: chatty
                code: ./fn
                customRuntimeConfig: {command: [sh, -c, "yes porthole-log-line | head -c 3000000; exec python3 server.py"]}
                provisioned: 1
            """) { $0.maxLogBytes = 1_000_000 }
        platform = p
        let instance = try await p.waitForRunning("chatty")[0]
        let log = p.directory.appendingPathComponent("state/logs/\(instance.instanceId).log")
        var text = ""
        try await poll(timeout: 10, "the log cut below 1 MB; it holds \(text.utf8.count) bytes") {
            text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            return text.utf8.count < 1_000_000 && text.contains("[porthole: log cut at")
        }
    }
}
