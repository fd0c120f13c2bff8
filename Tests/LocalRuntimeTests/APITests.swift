import AsyncHTTPClient
@testable import ExecCore
import Foundation
import LocalRuntime
import NIOCore
import NIOHTTP1
import NIOWebSocket
import Platform
import XCTest

/// The REST API byte for byte: FC-shaped JSON bodies and errors.
final class APITests: XCTestCase {
    var platform: TestPlatform!

    override func setUp() async throws {
        platform = try await TestPlatform.simple()
        try await platform.waitForRunning("fn")
    }

    override func tearDown() async throws {
        await platform?.shutdown()
    }

    func request(_ method: HTTPMethod, _ path: String, token: String? = nil, body: String? = nil, headers: [(String, String)] = []) async throws -> (Int, [String: Any]) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(platform.embedded.port)\(path)")
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token ?? platform.embedded.token.value)")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let data = try await response.body.collect(upTo: 1 << 20)
        let json = (try? JSONSerialization.jsonObject(with: Data(data.readableBytesView))) as? [String: Any] ?? [:]
        return (Int(response.status.code), json)
    }

    func testListShapesFollowFunctionCompute() async throws {
        let (status, functions) = try await request(.GET, "/2023-03-30/functions")
        XCTAssertEqual(status, 200)
        XCTAssertEqual(functions["nextToken"] as? String, "")
        let first = try XCTUnwrap((functions["functions"] as? [[String: Any]])?.first)
        XCTAssertEqual(first["functionName"] as? String, "fn")
        XCTAssertEqual((first["customRuntimeConfig"] as? [String: Any])?["command"] as? [String], ["python3", "server.py"])

        let (_, instances) = try await request(.GET, "/2023-03-30/functions/fn/instances?withMetrics=true")
        XCTAssertNotNil(instances["requestId"] as? String)
        let instance = try XCTUnwrap((instances["instances"] as? [[String: Any]])?.first)
        XCTAssertTrue((instance["instanceId"] as? String)?.hasPrefix("c-") ?? false)
        XCTAssertEqual(instance["versionId"] as? String, "0")
        XCTAssertEqual(instance["qualifier"] as? String, "LATEST")
        XCTAssertEqual(instance["status"] as? String, "Running")
        XCTAssertNotNil(instance["createdTimeMs"] as? Int)
        XCTAssertNotNil((instance["metrics"] as? [String: Any])?["instanceConcurrency"])

        let (_, all) = try await request(.GET, "/2023-03-30/instances?withMetrics=true")
        XCTAssertEqual((all["instances"] as? [[String: Any]])?.count, 1)
    }

    func testErrorsAreJSONWithCodeAndAHumanMessage() async throws {
        let (status, body) = try await request(.GET, "/2023-03-30/functions/fn/instances/c-ffffffffffff/exec?command=ls&stdout=true")
        XCTAssertEqual(status, 404)
        XCTAssertEqual(body["Code"] as? String, "InstanceNotFound")
        XCTAssertTrue((body["Message"] as? String)?.contains("porthole instances") ?? false)
        XCTAssertNotNil(body["RequestId"] as? String)

        let (unauthorized, denial) = try await request(.GET, "/2023-03-30/functions", token: "wrong")
        XCTAssertEqual(unauthorized, 401)
        XCTAssertEqual(denial["Code"] as? String, "Unauthorized")

        let (missing, _) = try await request(.GET, "/2023-03-30/functions/nope")
        XCTAssertEqual(missing, 404)

        // A refused upgrade is an ordinary HTTP answer with the JSON error.
        let id = try await platform.backend.listInstances(function: "fn")[0].instanceId
        do {
            _ = try await ExecSession.connect(
                to: ExecEndpoint(host: "127.0.0.1", port: platform.embedded.port, bearerToken: platform.embedded.token.value),
                request: ExecRequest(functionName: "fn", instanceId: id, command: []), handlers: ExecCallbacks(onStdout: { _ in }))
            XCTFail("an exec with no command was accepted")
        } catch ExecConnectError.rejected(let status, let body) {
            XCTAssertEqual(status, 400)
            let why = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
            XCTAssertEqual(why["Code"] as? String, "InvalidArgument")
            XCTAssertTrue((why["Message"] as? String)?.contains("no command") ?? false, "\(why)")
        }

        let (badTarget, reason) = try await request(.PUT, "/2023-03-30/functions/fn/provision-config", body: "{\"defaultTarget\": 99}")
        XCTAssertEqual(badTarget, 400)
        XCTAssertTrue((reason["Message"] as? String)?.contains("out of range") ?? false)
    }

    func testInvokeSaysWhichInstanceServed() async throws {
        let invocation = try await platform.backend.invoke(function: "fn", body: Array("ping".utf8))
        let id = try await platform.backend.listInstances(function: "fn")[0].instanceId
        XCTAssertEqual(invocation.instanceId, id)
        XCTAssertEqual(String(decoding: invocation.body, as: UTF8.self), "\(id) ping")
    }

    func testMalformedClientFrameEndsSessionWithAStatusThatSaysWhy() async throws {
        let instance = try await platform.backend.listInstances(function: "fn")[0]
        let output = ExecOutput()
        let session = try await platform.backend.openExec(
            ExecRequest(functionName: "fn", instanceId: instance.instanceId, command: ["cat"]), handlers: output.handlers)
        // A resize whose JSON is broken: the server must answer with a status, not crash or hang.
        let broken = WebSocketFrame(
            fin: true, opcode: .binary, maskKey: .random(), data: ByteBuffer(bytes: [4] + Array("{\"Width\":".utf8)))
        try await session.channel.writeAndFlush(broken).get()
        let end = await session.wait()
        guard case .failed(let reason, let message) = end else { return XCTFail("\(end)") }
        XCTAssertEqual(reason, "BadRequest")
        XCTAssertTrue(message.contains("bad resize message"), message)
        // The server survives: a new session works.
        let again = try await platform.exec(instance, ["echo", "ok"])
        XCTAssertEqual(again.stdoutText, "ok\n")
    }

    func testFunctionComputeDialectWithoutSubprotocol() async throws {
        let instance = try await platform.backend.listInstances(function: "fn")[0]
        let output = ExecOutput()
        let session = try await ExecSession.connect(
            to: ExecEndpoint(host: "127.0.0.1", port: platform.embedded.port, bearerToken: platform.embedded.token.value),
            request: ExecRequest(functionName: "fn", instanceId: instance.instanceId, command: ["sh", "-c", "read x; echo got $x"]),
            handlers: output.handlers, dialects: [.functionCompute])
        XCTAssertEqual(session.dialect, .functionCompute)
        session.send(Array("hello\n".utf8))
        _ = await session.wait()
        XCTAssertEqual(output.stdoutText, "got hello\n")
    }
}
