import Foundation
import XCTest

/// The `porthole` command line against a real `porthole serve`: exit codes,
/// JSON shapes, and what it says when the instance, the server or the token is wrong.
final class PortholeCLITests: XCTestCase {
    nonisolated(unsafe) private static var shared: CLIServer?

    override class func tearDown() {
        shared?.stop()
        shared = nil
    }

    /// One server for the class: it takes seconds to start its demo instances.
    private func server() throws -> CLIServer {
        if let server = Self.shared { return server }
        let server = try CLIServer()
        Self.shared = server
        return server
    }

    func testExecExitsWithTheRemoteExitCode() throws {
        let id = try server().runningInstance(of: "hello")
        let seven = try server().cli(["exec", id, "--", "sh", "-c", "exit 7"])
        XCTAssertEqual(seven.status, 7, "\(seven)")
        XCTAssertEqual(seven.stderr, "", "\(seven)")
        let echo = try server().cli(["exec", id, "--", "sh", "-c", "echo out-$((6*7)); echo err-1 >&2"])
        XCTAssertEqual(echo.status, 0, "\(echo)")
        XCTAssertEqual(echo.stdout, "out-42\n")
        XCTAssertEqual(echo.stderr, "err-1\n")
        let missing = try server().cli(["exec", id, "--", "no-such-program-here"])
        XCTAssertEqual(missing.status, 127, "\(missing)")
    }

    func testJSONShapesOfFunctionsAndInstances() throws {
        let functions = try server().cli(["functions", "-o", "json"])
        XCTAssertEqual(functions.status, 0, "\(functions)")
        let top = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(functions.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(Array(top.keys), ["functions"])
        let list = try XCTUnwrap(top["functions"] as? [[String: Any]])
        XCTAssertEqual(Set(list.compactMap { $0["functionName"] as? String }), ["cpu-burner", "env-printer", "hello"])
        for function in list {
            XCTAssertNotNil(function["runtime"] as? String, "\(function)")
            XCTAssertNotNil(function["memorySize"] as? Int, "\(function)")
        }

        let id = try server().runningInstance(of: "hello")
        let instances = try server().cli(["instances", "-o", "json"])
        XCTAssertEqual(instances.status, 0, "\(instances)")
        let body = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(instances.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(Array(body.keys), ["instances"])
        let rows = try XCTUnwrap(body["instances"] as? [[String: Any]])
        let row = try XCTUnwrap(rows.first { $0["instanceId"] as? String == id })
        XCTAssertEqual(row["functionName"] as? String, "hello")
        XCTAssertEqual(row["status"] as? String, "Running")
        XCTAssertNotNil(row["createdTimeMs"] as? Int, "\(row)")
        let metrics = try XCTUnwrap(row["metrics"] as? [String: Any], "\(row)")
        XCTAssertNotNil(metrics["uptimeSeconds"] as? NSNumber, "\(metrics)")
        XCTAssertNotNil(metrics["activeRequests"] as? Int, "\(metrics)")

        // The table says the same, with the shared short durations.
        let table = try server().cli(["instances", "hello"])
        XCTAssertEqual(table.status, 0, "\(table)")
        XCTAssertTrue(table.stdout.hasPrefix("FUNCTION"), table.stdout)
        XCTAssertTrue(table.stdout.contains(id), table.stdout)
    }

    func testUnknownInstanceSaysHowToListThem() throws {
        let run = try server().cli(["exec", "c-000000000000", "--", "true"])
        XCTAssertEqual(run.status, 1, "\(run)")
        XCTAssertEqual(run.stdout, "")
        XCTAssertTrue(run.stderr.hasPrefix("porthole: no instance c-000000000000 on "), run.stderr)
        XCTAssertTrue(run.stderr.contains("run `porthole instances`"), run.stderr)
    }

    func testNoServerSaysHowToStartOne() throws {
        let port = try CLIServer.freePort()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-cli-none-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let token = directory.appendingPathComponent("token")
        try "some-token\n".write(to: token, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: token.path)  // a token file others can read is refused
        let run = try CLIRun.run(
            ["functions", "--server", "http://127.0.0.1:\(port)", "--token-file", token.path],
            environment: ["XDG_CONFIG_HOME": directory.path, "PORTHOLE_STATE_DIR": directory.path])
        XCTAssertEqual(run.status, 1, "\(run)")
        XCTAssertTrue(run.stderr.hasPrefix("porthole: cannot reach a porthole server at http://127.0.0.1:\(port)"), run.stderr)
        XCTAssertTrue(run.stderr.contains("start one with `porthole serve`"), run.stderr)
    }

    func testBadTokenIsRefusedWithAHint() throws {
        let server = try server()
        let wrong = server.directory.appendingPathComponent("wrong-token")
        try "not-the-token\n".write(to: wrong, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: wrong.path)
        let run = try CLIRun.run(["instances", "--server", server.url, "--token-file", wrong.path], environment: server.isolation)
        XCTAssertEqual(run.status, 1, "\(run)")
        XCTAssertTrue(run.stderr.hasPrefix("porthole: missing or wrong bearer token"), run.stderr)
        let exec = try CLIRun.run(["exec", "c-000000000000", "--server", server.url, "--token-file", wrong.path, "--", "true"],
                                  environment: server.isolation)
        XCTAssertEqual(exec.status, 1, "\(exec)")
        XCTAssertTrue(exec.stderr.contains("missing or wrong bearer token"), exec.stderr)
    }
}
