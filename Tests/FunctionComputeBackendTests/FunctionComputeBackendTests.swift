import ExecCore
import Foundation
@testable import FunctionComputeBackend
import NIOConcurrencyHelpers
import Platform
import XCTest

/// Porthole's fc backend against a real `porthole serve --access-keys`: the
/// server verifies the backend's signatures independently (the same server
/// the official SDKs are checked against).
final class FunctionComputeBackendTests: ServeFixtureTestCase {
    private func backend(sts: Bool = false, secret: String? = nil) throws -> (FunctionComputeBackend, ServeFixture) {
        let fixture = try serveFixture()
        let credentials = sts
            ? FCCredentials(accessKeyId: ServeFixture.stsKeyId, accessKeySecret: secret ?? ServeFixture.stsSecret, securityToken: ServeFixture.stsToken, source: "test")
            : FCCredentials(accessKeyId: ServeFixture.accessKeyId, accessKeySecret: secret ?? ServeFixture.accessKeySecret, source: "test")
        let backend = FunctionComputeBackend(
            configuration: .init(region: "cn-local", accountId: "1234", endpoint: fixture.endpoint), credentials: credentials)
        return (backend, fixture)
    }

    private func runningInstance(_ backend: FunctionComputeBackend, _ fixture: ServeFixture) async throws -> Instance {
        var found: Instance?
        try await fixture.waitUntil("a running instance of hello") {
            found = try await backend.listInstances(function: "hello").first { $0.status == .running }
            return found != nil
        }
        return try XCTUnwrap(found)
    }

    func testFunctionsAndInstances() async throws {
        let (backend, fixture) = try backend()
        let functions = try await backend.listFunctions()
        XCTAssertEqual(functions.map(\.functionName), ["hello", "hello-again", "other"])
        XCTAssertEqual(functions.first?.memorySize, 256)
        let hello = try await backend.function(named: "hello")
        XCTAssertEqual(hello.instanceConcurrency, 2)
        XCTAssertEqual(hello.customRuntimeConfig?.port, 9000)
        let instance = try await runningInstance(backend, fixture)
        XCTAssertEqual(instance.functionName, "hello")
        XCTAssertEqual(instance.qualifier, "LATEST")
        XCTAssertNil(instance.metrics, "ListInstances has no CPU or memory: shown as —")
        XCTAssertGreaterThan(instance.createdTimeMs, 1_600_000_000_000)
        try await fixture.waitUntil("hello-again's instance in the all-functions list") {
            try await backend.listInstances(function: nil).contains { $0.functionName == "hello-again" && $0.status == .running }
        }
        let detail = try await backend.describeInstance(function: "hello", id: instance.instanceId)
        XCTAssertEqual(detail.instance.instanceId, instance.instanceId)
        XCTAssertEqual(detail.facts["qualifier"], "LATEST")
    }

    func testExecWithStdinAndTheFCDialect() async throws {
        let (backend, fixture) = try backend(sts: true)
        let instance = try await runningInstance(backend, fixture)
        let output = NIOLockedValueBox((out: [UInt8](), err: [UInt8]()))
        let request = ExecRequest(
            functionName: "hello", instanceId: instance.instanceId,
            command: ["/bin/sh", "-c", "read line; echo \"got:$line\"; echo oops >&2; printf 'caf\\303\\251\\n'"],
            stdin: true, stdout: true, stderr: true, tty: false, idleTimeout: 30)
        let session = try await backend.openExec(request, handlers: ExecCallbacks(
            onStdout: { bytes in output.withLockedValue { $0.out += bytes } },
            onStderr: { bytes in output.withLockedValue { $0.err += bytes } }))
        XCTAssertEqual(session.dialect, .functionCompute)
        try await session.write(Array("from-backend\n".utf8))
        let end = await session.wait()
        XCTAssertEqual(end.summary, "ended", "FC reports no exit code: \(end)")
        let (out, err) = output.withLockedValue { ($0.out, $0.err) }
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "got:from-backend\ncafé\n")
        XCTAssertEqual(String(decoding: err, as: UTF8.self), "oops\n")
    }

    func testInvokeAndProvisionConfig() async throws {
        let (backend, _) = try backend()
        let invocation = try await backend.invoke(function: "other", body: Array("ping".utf8))
        XCTAssertEqual(invocation.status, 200)
        XCTAssertTrue(String(decoding: invocation.body, as: UTF8.self).hasPrefix("echo:ping from c-"))
        XCTAssertNotNil(invocation.instanceId)
        try await backend.setProvisioned(function: "hello-again", target: 2)
        let config = try await backend.provisionConfig(function: "hello-again")
        XCTAssertEqual(config.target, 2)
        try await backend.setProvisioned(function: "hello-again", target: 1)
    }

    func testErrorsCarryCodeMessageAndRequestId() async throws {
        let (wrong, _) = try backend(secret: "not-the-secret")
        do {
            _ = try await wrong.listFunctions()
            XCTFail("a wrong secret must be refused")
        } catch let error as PlatformError {
            let text = error.description
            XCTAssertTrue(text.contains("SignatureNotMatch"), text)
            XCTAssertTrue(text.contains("request id "), text)
        }
        let (backend, _) = try backend()
        do {
            _ = try await backend.describeInstance(function: "nope", id: "c-1")
            XCTFail("an unknown function must be an error")
        } catch let error as PlatformError {
            guard case .notFound(let code, let message) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(code, "FunctionNotFound")
            XCTAssertTrue(message.contains("does not exist") && message.contains("request id"), message)
        }
        do {
            _ = try await backend.openExec(
                ExecRequest(functionName: "hello", instanceId: "c-missing", command: ["true"]), handlers: ExecCallbacks(onStdout: { _ in }))
            XCTFail("exec on an unknown instance must be refused")
        } catch let error as PlatformError {
            XCTAssertTrue(error.description.contains("InstanceNotFound"), error.description)
        }
    }

    /// This environment with the fixture's access key as Alibaba's tools read it (no STS token).
    static func credentialEnvironment() -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["ALIBABA_CLOUD_ACCESS_KEY_ID"] = ServeFixture.accessKeyId
        environment["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = ServeFixture.accessKeySecret
        environment.removeValue(forKey: "ALIBABA_CLOUD_SECURITY_TOKEN")
        return environment
    }

    /// The CLI's `--fc-region/--fc-endpoint` flags and the environment credentials, end to end.
    func testCLIFlagsUseTheFCBackend() async throws {
        let (backend, fixture) = try backend()
        let instance = try await runningInstance(backend, fixture)
        var environment = Self.credentialEnvironment()
        let flags = ["--fc-region", "cn-local", "--fc-endpoint", fixture.endpoint]
        let binary = ServeFixture.portholeBinary.path
        let list = try OfficialSDK.run([binary, "instances", "hello"] + flags, timeout: 60, separateStderr: true, environment: environment)
        XCTAssertEqual(list.status, 0, list.errors)
        let row = list.output.split(separator: "\n").first { $0.contains(instance.instanceId) }.map(String.init) ?? ""
        XCTAssertTrue(row.contains("Running") && row.contains("LATEST") && row.contains("—"), list.output)
        let exec = try OfficialSDK.run(
            [binary, "exec", instance.instanceId] + flags + ["--", "echo", "from-cli"], timeout: 60, separateStderr: true,
            environment: environment)
        XCTAssertEqual(exec.output, "from-cli\n", exec.errors)
        XCTAssertEqual(exec.status, 255, "no exit code from FC: the session only ended")
        XCTAssertTrue(exec.errors.contains("ended"), exec.errors)
        environment.removeValue(forKey: "ALIBABA_CLOUD_ACCESS_KEY_ID")
        environment.removeValue(forKey: "ALIBABA_CLOUD_ACCESS_KEY_SECRET")
        environment["ALIBABA_CLOUD_CONFIG_FILE"] = "/nonexistent/config.json"
        let missing = try OfficialSDK.run([binary, "functions"] + flags, timeout: 60, separateStderr: true, environment: environment)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.errors.contains("ALIBABA_CLOUD_ACCESS_KEY_ID"), missing.errors)
    }

    /// Function Compute keeps no instance logs: `porthole logs` says where they are instead.
    func testCLILogsSaysWhereFunctionComputeKeepsLogs() async throws {
        let (backend, fixture) = try backend()
        let instance = try await runningInstance(backend, fixture)
        let environment = Self.credentialEnvironment()
        let logs = try OfficialSDK.run(
            [ServeFixture.portholeBinary.path, "logs", "-f", instance.instanceId, "--fc-region", "cn-local", "--fc-endpoint", fixture.endpoint],
            timeout: 60, separateStderr: true, environment: environment)
        XCTAssertEqual(logs.status, 1, logs.errors)
        XCTAssertEqual(logs.output, "")
        XCTAssertTrue(logs.errors.hasPrefix("porthole: Function Compute keeps no instance logs of its own"), logs.errors)
        XCTAssertTrue(logs.errors.contains("Simple Log Service"), logs.errors)

        // Every instance at once: the sentence once, not once per instance.
        try await backend.setProvisioned(function: "hello", target: 2)
        try await fixture.waitUntil("two running instances of hello") {
            try await backend.listInstances(function: "hello").filter { $0.status == .running }.count == 2
        }
        let fanOut = try OfficialSDK.run(
            [ServeFixture.portholeBinary.path, "logs", "-f", "--function", "hello", "--fc-region", "cn-local", "--fc-endpoint", fixture.endpoint],
            timeout: 60, separateStderr: true, environment: environment)
        try await backend.setProvisioned(function: "hello", target: 1)
        XCTAssertEqual(fanOut.status, 1, fanOut.errors)
        XCTAssertEqual(fanOut.output, "")
        XCTAssertTrue(fanOut.errors.hasPrefix("porthole: Function Compute keeps no instance logs of its own"), fanOut.errors)
        XCTAssertEqual(fanOut.errors.components(separatedBy: "Simple Log Service").count, 2, fanOut.errors)
    }

    /// An ACS3-signed exec handshake: its nonce is good once, so this passes
    /// only if the server checks an upgrade once (not once per stage).
    func testACS3SignedExecUpgradeIsCheckedOnce() async throws {
        let (backend, fixture) = try backend()
        let instance = try await runningInstance(backend, fixture)
        let request = ExecRequest(functionName: "hello", instanceId: instance.instanceId, command: ["echo", "signed"], stdin: false)
        let uri = request.pathAndQuery
        let parts = uri.split(separator: "?", maxSplits: 1).map(String.init)
        let query = parts[1].split(separator: "&").map { pair -> (String, String) in
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            return (ExecRequest.percentDecode(kv[0]), ExecRequest.percentDecode(kv.count > 1 ? kv[1] : ""))
        }
        let headers = backend.signer.acs3Headers(
            method: "GET", host: "127.0.0.1:\(fixture.port)", path: parts[0], query: query, action: "InstanceExec", body: nil)
        let output = NIOLockedValueBox([UInt8]())
        let session = try await ExecSession.connect(
            to: ExecEndpoint(host: "127.0.0.1", port: fixture.port), request: request,
            handlers: ExecCallbacks(onStdout: { bytes in output.withLockedValue { $0 += bytes } }),
            headers: headers.filter { $0.0 != "host" } + [("Host", "127.0.0.1:\(fixture.port)")])
        let end = await session.wait()
        XCTAssertEqual(end, .exited(code: 0))
        XCTAssertEqual(String(decoding: output.withLockedValue { $0 }, as: UTF8.self), "signed\n")
    }

    func testThrottlingIsRecognised() {
        XCTAssertTrue(FunctionComputeBackend.isThrottled(status: 429, body: []))
        XCTAssertTrue(FunctionComputeBackend.isThrottled(status: 503, body: Array(#"{"Code":"ThrottlingException","Message":"slow down"}"#.utf8)))
        XCTAssertFalse(FunctionComputeBackend.isThrottled(status: 404, body: Array(#"{"Code":"FunctionNotFound"}"#.utf8)))
    }

    /// FC's dialect has no resize message: a tty session must not send one
    /// (the server would read it as keystrokes).
    func testTTYSessionSendsOnlyKeystrokes() async throws {
        let (backend, fixture) = try backend()
        let instance = try await runningInstance(backend, fixture)
        let output = NIOLockedValueBox([UInt8]())
        let request = ExecRequest(
            functionName: "hello", instanceId: instance.instanceId, command: ["/bin/sh", "-c", "read line; echo \"got:$line\""],
            stdin: true, stdout: true, stderr: false, tty: true, terminalSize: TerminalSize(cols: 100, rows: 30))
        let session = try await backend.openExec(request, handlers: ExecCallbacks(onStdout: { bytes in output.withLockedValue { $0 += bytes } }))
        session.resize(cols: 120, rows: 40)
        try await session.write(Array("typed\n".utf8))
        _ = await session.wait()
        let text = String(decoding: output.withLockedValue { $0 }, as: UTF8.self)
        XCTAssertTrue(text.contains("got:typed"), text)
        XCTAssertFalse(text.contains("Width"), "no resize JSON reached the command: \(text)")
    }
}
