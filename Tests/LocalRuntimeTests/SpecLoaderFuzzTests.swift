import Foundation
import LocalRuntime
import TestSupport
import XCTest

/// Mutated spec files into the loader for a bounded time: each must load or
/// fail with a `SpecError` that names the file, never crash or hang.
final class SpecLoaderFuzzTests: XCTestCase {
    static let valid = """
        functions:
          - functionName: hello
            runtime: custom
            code: ./code
            customRuntimeConfig: {command: [python3, server.py], port: 9000, args: [-u]}
            environmentVariables: {GREETING: hi, EMPTY: ""}
            instanceConcurrency: 4
            memorySize: 256
            provisioned: 2
            idleTimeout: 30
            maxInstances: 5
          - functionName: other
            code: ./code
            customRuntimeConfig:
              command: [sh, -c, "exec python3 server.py"]
        """

    static let fragments = [
        "functions:", "- ", "functionName:", "code:", "./code", "/nonexistent", "customRuntimeConfig:", "{", "}", "[", "]",
        "command:", "port:", "99999", "-1", "0", "1e9", "null", "~", "&a", "*a", "!!int", "!!binary", "\"", "'", ":", ",",
        "\n", "\n  ", "\n    ", "\t", "#", "|", ">", "? ", "%YAML 1.2", "---", "...", "provisioned:", "maxInstances:",
        "environmentVariables:", "1BAD: x", "é", "\u{0}", "\u{FEFF}", "<<: *a", String(repeating: "[", count: 50),
    ]

    func testMutatedSpecsLoadOrFailWithASpecError() throws {
        let seed = ProcessInfo.processInfo.environment["PORTHOLE_FUZZ_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max)
        var random = SeededGenerator(seed: seed)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spec-fuzz-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("code"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("functions.yaml")
        let deadline = Date().addingTimeInterval(1.5)
        var runs = 0
        var loaded = 0
        while Date() < deadline {
            var text = Array(Self.valid)
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let at = Int.random(in: 0...text.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: text.insert(contentsOf: Self.fragments.randomElement(using: &random)!, at: at)
                case 1: if at < text.count { text.removeSubrange(at..<min(text.count, at + Int.random(in: 1...20, using: &random))) }
                default: if at < text.count { text[at] = Character(UnicodeScalar(UInt8.random(in: 0...127, using: &random))) }
                }
            }
            do {
                _ = try SpecLoader.parse(String(text), file: file)
                loaded += 1
            } catch let error as SpecError {
                XCTAssertTrue(error.description.contains("functions.yaml"), "seed \(seed): \(error)")
            } catch {
                return XCTFail("seed \(seed): threw \(type(of: error)) \(error), not a SpecError; replay with PORTHOLE_FUZZ_SEED=\(seed)\n\(String(text))")
            }
            runs += 1
        }
        XCTAssertGreaterThan(runs, 50, "seed \(seed)")
        print("spec loader fuzz: \(runs) files, \(loaded) loaded, seed \(seed)")
    }
}
