import Foundation
import XCTest

/// Function Compute's own SDKs against a real `porthole serve --access-keys`:
/// every call parses into the SDK's models, exec moves stdin, stdout and
/// stderr, and wrong secrets, stale dates and replayed nonces are refused.
final class OfficialSDKTests: ServeFixtureTestCase {
    /// The server, once the SDKs are installed: a failed install (PyPI out of
    /// reach) fails the test with pip's own words, not with a later timeout.
    private func server() throws -> ServeFixture {
        _ = try OfficialSDK.python()
        let fixture = try serveFixture()
        return fixture
    }

    /// Waits until `hello` has a running instance; returns its id.
    private func runningInstance(_ server: ServeFixture) async throws -> String {
        var id: String?
        try await server.waitUntil("a running instance of hello") {
            let object = try OfficialSDK.runScript(
                sdkScript, arguments: ["fc2", String(server.port), ServeFixture.accessKeyId, ServeFixture.accessKeySecret, "", ServeFixture.service])
            id = (object["instances"] as? [String])?.first
            return id != nil
        }
        return id ?? ""
    }

    func testFC3SDKCallsParseIntoItsModels() async throws {
        let server = try server()
        _ = try await runningInstance(server)
        let out = try OfficialSDK.runScript(
            sdkScript, arguments: ["fc3", String(server.port), ServeFixture.accessKeyId, ServeFixture.accessKeySecret])
        XCTAssertEqual(out["page1"] as? [String], ["hello"], "limit=1 gives one function, sorted by name")
        XCTAssertEqual(out["page1_next"] as? String, "hello-again")
        XCTAssertEqual(out["page2"] as? [String], ["hello-again", "other"], "nextToken continues the list")
        XCTAssertEqual(out["prefix"] as? [String], ["hello", "hello-again"])
        let get = out["get"] as? [String: Any]
        XCTAssertEqual(get?["name"] as? String, "hello")
        XCTAssertEqual(get?["memory"] as? Int, 256)
        XCTAssertEqual(get?["concurrency"] as? Int, 2)
        let instances = out["instances"] as? [[String: Any]] ?? []
        XCTAssertFalse(instances.isEmpty, "\(out)")
        XCTAssertEqual(instances.first?["status"] as? String, "Running")
        XCTAssertEqual(instances.first?["qualifier"] as? String, "LATEST")
        XCTAssertGreaterThan(instances.first?["created"] as? Int ?? 0, 1_600_000_000_000)
        XCTAssertFalse((out["request_id"] as? String ?? "").isEmpty)
        XCTAssertEqual(out["by_id"] as? [String], [instances.first?["id"] as? String ?? "?"], "instanceIds filters")
        XCTAssertEqual(out["stopped"] as? [String], [], "instanceStatus filters")
        let raw = out["raw_instance"] as? [String: Any] ?? [:]
        XCTAssertNil(raw["metrics"], "no metrics unless withMetrics asks")
        let put = out["put"] as? [String: Any]
        XCTAssertEqual(put?["target"] as? Int, 2)
        XCTAssertEqual((out["get_provision"] as? [String: Any])?["target"] as? Int, 2)
        XCTAssertEqual(out["invoke_status"] as? Int, 200)
        XCTAssertTrue((out["invoke"] as? String ?? "").hasPrefix("echo:from-sdk from c-"), "\(out["invoke"] ?? "")")
        let missing = out["missing"] as? [String: Any]
        XCTAssertEqual(missing?["code"] as? String, "FunctionNotFound", "\(out)")
    }

    func testFC3SDKRefusesWrongSecretStaleDateAndReplayedNonce() throws {
        let server = try server()
        let out = try OfficialSDK.runScript(
            sdkScript,
            arguments: ["fc3-refusals", String(server.port), ServeFixture.stsKeyId, ServeFixture.stsSecret, ServeFixture.stsToken, server.token])
        XCTAssertEqual((out["wrong_secret"] as? [String: Any])?["code"] as? String, "SignatureNotMatch", "\(out)")
        XCTAssertEqual((out["stale_date"] as? [String: Any])?["code"] as? String, "RequestTimeTooSkewed", "\(out)")
        XCTAssertEqual(out["first_use"] as? Int, 3, "an STS credential with its token signs fine: \(out)")
        XCTAssertEqual((out["replayed_nonce"] as? [String: Any])?["code"] as? String, "SignatureNonceUsed", "\(out)")
        XCTAssertEqual((out["sts_without_token"] as? [String: Any])?["code"] as? String, "InvalidSecurityToken", "\(out)")
        XCTAssertEqual(out["bearer"] as? Int, 3, "x-acs-bearer-token takes the server's token")
    }

    func testFC2SDKCallsOnServicePaths() async throws {
        let server = try server()
        _ = try await runningInstance(server)
        let out = try OfficialSDK.runScript(
            sdkScript, arguments: ["fc2", String(server.port), ServeFixture.accessKeyId, ServeFixture.accessKeySecret, "", ServeFixture.service])
        XCTAssertFalse((out["instances"] as? [String] ?? []).isEmpty)
        XCTAssertFalse((out["request_id"] as? String ?? "").isEmpty, "x-fc-request-id on every response")
        XCTAssertEqual(out["get"] as? String, "hello")
        XCTAssertEqual(out["functions"] as? [String], ["hello", "hello-again"])
        XCTAssertTrue((out["invoke"] as? String ?? "").hasPrefix("echo:fc2-body from c-"))
        XCTAssertEqual((out["put"] as? [String: Any])?["target"] as? Int, 1)
        XCTAssertEqual((out["get_provision"] as? [String: Any])?["target"] as? Int, 1)
        XCTAssertNotNil((out["get_provision"] as? [String: Any])?["current"])
        let wrongService = out["wrong_service"] as? [String: Any]
        XCTAssertTrue((wrongService?["text"] as? String ?? "").contains("ServiceNotFound"), "\(out)")
        let wrongSecret = out["wrong_secret"] as? [String: Any]
        XCTAssertTrue((wrongSecret?["text"] as? String ?? "").contains("SignatureNotMatch"), "\(out)")
    }

    func testFC2SDKInstanceExecMovesStdinStdoutAndStderr() async throws {
        let server = try server()
        let instance = try await runningInstance(server)
        let out = try OfficialSDK.runScript(
            sdkScript,
            arguments: ["fc2-exec", String(server.port), ServeFixture.stsKeyId, ServeFixture.stsSecret, ServeFixture.stsToken, ServeFixture.service, instance])
        XCTAssertEqual(out["finished"] as? Bool, true, "the session ends when the command does: \(out)")
        let stdout = out["stdout"] as? String ?? ""
        XCTAssertTrue(stdout.contains("got:hello-stdin"), "stdin reached the command, its answer came back: \(out)")
        XCTAssertTrue(stdout.contains("café"), "UTF-8 output arrives whole: \(out)")
        XCTAssertEqual(out["stderr"] as? String, "to-stderr\n", "\(out)")
        XCTAssertEqual(out["errors"] as? [String], [], "every frame was a text frame the SDK can read")
    }
}
