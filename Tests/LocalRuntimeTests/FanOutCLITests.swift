import Foundation
import Platform
import XCTest

/// `porthole exec --function FN -- CMD` across three live instances, one of which fails.
final class FanOutCLITests: XCTestCase {
    var platform: TestPlatform!
    var ids: [String] = []
    var cli: PortholeCLI!

    override func setUp() async throws {
        platform = try await TestPlatform(functionsYAML: """
            functions:
              - functionName: trio
                code: ./fn
                customRuntimeConfig: {command: [python3, server.py]}
                provisioned: 3
              - functionName: quiet
                code: ./fn
                customRuntimeConfig: {command: [python3, server.py]}
            """)
        ids = try await platform.waitForRunning("trio", count: 3).map(\.instanceId).sorted()
        cli = try PortholeCLI(platform: platform)
    }

    override func tearDown() async throws {
        await platform?.shutdown()
    }

    /// Prints a line on each stream and fails in the middle instance only.
    var command: [String] {
        ["sh", "-c", "echo out-$FC_INSTANCE_ID; echo err-$FC_INSTANCE_ID >&2; test $FC_INSTANCE_ID != \(ids[1])"]
    }

    func testPrefixedLinesSummaryAndExitCode() throws {
        let run = try cli.run(["exec", "--function", "trio", "--"] + command)
        XCTAssertEqual(run.status, 1, "one instance failed: \(run.stderrText)")
        let width = ids.map(\.count).max()!
        func prefixed(_ id: String, _ text: String) -> String { id.padding(toLength: width, withPad: " ", startingAt: 0) + " | " + text }
        XCTAssertEqual(Set(run.stdoutText.split(separator: "\n").map(String.init)), Set(ids.map { prefixed($0, "out-\($0)") }),
                       "every stdout line, prefixed with its instance, no colour off a terminal")
        let errLines = run.stderrText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for id in ids { XCTAssertTrue(errLines.contains(prefixed(id, "err-\(id)")), run.stderrText) }
        XCTAssertFalse(run.stdoutText.contains("\u{1b}["))
        let summary = try XCTUnwrap(run.stderrText.range(of: "INSTANCE").map { String(run.stderrText[$0.lowerBound...]) }, run.stderrText)
        let rows = summary.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        XCTAssertEqual(rows.first, ["INSTANCE", "RESULT", "DURATION"])
        XCTAssertEqual(rows.dropFirst().prefix(3).map { Array($0.prefix(3)) }, [
            [ids[0], "exited", "0"], [ids[1], "exited", "1"], [ids[2], "exited", "0"],
        ])
        for row in rows.dropFirst().prefix(3) {
            XCTAssertTrue(row.last?.hasSuffix("s") == true && Double(row.last!.dropLast()) != nil, "a duration: \(row)")
        }
        XCTAssertEqual(rows.last?.joined(separator: " "), "1 of 3 instances of trio did not exit 0")

        let allGood = try cli.run(["exec", "--function", "trio", "--", "sh", "-c", "test -n \"$FC_INSTANCE_ID\""])
        XCTAssertEqual(allGood.status, 0, allGood.stderrText)
        XCTAssertTrue(allGood.stderrText.hasSuffix("all 3 instances of trio exited 0\n"), allGood.stderrText)
    }

    func testJSONForScripts() throws {
        let run = try cli.run(["exec", "--function", "trio", "-o", "json", "--"] + command)
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stderrText, "", "json mode prints one document and nothing else")
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout)) as? [String: Any], run.stdoutText)
        XCTAssertEqual(document["function"] as? String, "trio")
        XCTAssertEqual(document["command"] as? [String], command)
        XCTAssertEqual(document["exitCode"] as? Int, 1)
        let instances = try XCTUnwrap(document["instances"] as? [[String: Any]])
        XCTAssertEqual(instances.map { $0["instanceId"] as? String }, ids)
        for (index, entry) in instances.enumerated() {
            let id = ids[index]
            XCTAssertEqual(entry["exitCode"] as? Int, index == 1 ? 1 : 0)
            XCTAssertEqual(entry["end"] as? String, index == 1 ? "exited 1" : "exited 0")
            XCTAssertEqual(entry["stdout"] as? String, "out-\(id)\n")
            XCTAssertEqual(entry["stderr"] as? String, "err-\(id)\n")
            XCTAssertNotNil(entry["durationSeconds"] as? Double)
            XCTAssertNotNil(entry["message"] as? String)
        }
    }

    func testColourPerInstanceOnATerminal() throws {
        let argv = [PortholeCLI.binary.path, "exec", "--function", "trio"] + cli.serverArguments + ["--", "echo", "hi"]
        let session = try PTYScript.run(argv, steps: [], in: platform.directory)
        XCTAssertEqual(session.status, 0, session.output)
        let colours = ids.enumerated().map { index, id in "\u{1b}[\([36, 33, 35][index])m\(id)\u{1b}[0m | hi" }
        for line in colours { XCTAssertTrue(session.output.contains(line), "\(line.debugDescription) in \(session.output.debugDescription)") }
    }

    func testNoLiveInstanceAndBadCombinations() throws {
        let none = try cli.run(["exec", "--function", "quiet", "--", "true"])
        XCTAssertEqual(none.status, 1)
        XCTAssertEqual(none.stderrText,
                       "porthole: function quiet has no live instance to run in; `porthole invoke quiet` starts one, `porthole instances quiet` lists them\n")
        let both = try cli.run(["exec", "--function", "trio", ids[0], "--", "true"])
        XCTAssertNotEqual(both.status, 0)
        XCTAssertTrue(both.stderrText.contains("give either an INSTANCE or --function, not both"), both.stderrText)
        let tty = try cli.run(["exec", "-t", "--function", "trio", "--", "true"])
        XCTAssertNotEqual(tty.status, 0)
        XCTAssertTrue(tty.stderrText.contains("-i and -t are for one instance"), tty.stderrText)
    }
}
