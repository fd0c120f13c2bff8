import Foundation
import XCTest

@testable import Platform

/// `backend: fc` contexts: their fields are read here; the fc backend itself lives in its own module.
final class FunctionComputeContextTests: XCTestCase {
    private func load(_ yaml: String) throws -> ContextConfig {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("config-fc-\(UUID().uuidString.prefix(8)).yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        return try ContextConfig.load(file: file)
    }

    func testReadsRegionAccountAndEndpoint() throws {
        let config = try load("""
            contexts:
              - name: hz
                backend: fc
                region: cn-hangzhou
                accountId: 1234567890
                endpoint: http://127.0.0.1:7878
            """)
        let context = try XCTUnwrap(config.contexts.first)
        XCTAssertEqual(context.backend, "fc")
        XCTAssertEqual(context.region, "cn-hangzhou")
        XCTAssertEqual(context.accountId, "1234567890")
        XCTAssertEqual(context.endpoint, "http://127.0.0.1:7878")
    }

    func testAnFCContextNeedsARegion() {
        XCTAssertThrowsError(try load("contexts:\n  - name: hz\n    backend: fc\n")) {
            XCTAssertTrue("\($0)".contains("region"), "\($0)")
        }
    }
}
