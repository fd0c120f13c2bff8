import XCTest

@testable import ExecCore

final class FrameCodecTests: XCTestCase {
    let server = FrameCodec(dialect: .v5, side: .server)
    let client = FrameCodec(dialect: .v5, side: .client)

    func testStdinStdoutStderrRoundTrip() throws {
        XCTAssertEqual(try server.decode(binary: client.encode(.stdin([1, 2, 3]))), .stdin([1, 2, 3]))
        XCTAssertEqual(try client.decode(binary: server.encode(.stdout(Array("hi".utf8)))), .stdout(Array("hi".utf8)))
        XCTAssertEqual(try client.decode(binary: server.encode(.stderr([0xFF]))), .stderr([0xFF]))
        XCTAssertEqual(client.encode(.stdin([9])), [0, 9])
        XCTAssertEqual(server.encode(.stdout([9])), [1, 9])
        XCTAssertEqual(server.encode(.stderr([9])), [2, 9])
    }

    func testEmptyStdoutIsTheReadyMessage() throws {
        XCTAssertEqual(try client.decode(binary: [1]), .stdout([]))
    }

    func testStatusJSONMatchesKubernetes() throws {
        let success = server.encode(.status(.exited(0)))
        XCTAssertEqual(success.first, 3)
        XCTAssertEqual(String(decoding: success.dropFirst(), as: UTF8.self), #"{"metadata":{},"status":"Success"}"#)

        let failure = server.encode(.status(.exited(7)))
        let json = String(decoding: failure.dropFirst(), as: UTF8.self)
        XCTAssertTrue(json.contains(#""reason":"NonZeroExitCode""#), json)
        XCTAssertTrue(json.contains(#""message":"command terminated with non-zero exit code: 7""#), json)
        XCTAssertTrue(json.contains(#""causes":[{"message":"7","reason":"ExitCode"}]"#), json)
        guard case .status(let decoded) = try client.decode(binary: failure) else { return XCTFail("not a status") }
        XCTAssertEqual(decoded.exitCode, 7)
        XCTAssertEqual(ExecEnd(status: decoded), .exited(code: 7))
    }

    func testStatusReasonsMapToEnds() {
        XCTAssertEqual(
            ExecEnd(status: .failure(reason: "InstanceReleased", message: "gone")), .instanceReleased(message: "gone"))
        XCTAssertEqual(ExecEnd(status: .failure(reason: "IdleTimeout", message: "idle")), .idleTimeout(message: "idle"))
        let notFound = ExecEnd(status: .failure(reason: "CommandNotFound", message: "nope", exitCode: 127))
        XCTAssertEqual(notFound, .commandNotFound(message: "nope"))
        XCTAssertEqual(notFound.exitCode, 127)
        XCTAssertEqual(ExecEnd.connectionLost(reason: "x").exitCode, 255)
    }

    func testResizeAcceptsTrailingNewlineAndAnyKeyCase() throws {
        XCTAssertEqual(try server.decode(binary: [4] + Array("{\"Width\":120,\"Height\":40}\n".utf8)),
                       .resize(TerminalSize(cols: 120, rows: 40)))
        XCTAssertEqual(try server.decode(binary: [4] + Array("{\"width\":80,\"HEIGHT\":24}".utf8)),
                       .resize(TerminalSize(cols: 80, rows: 24)))
        XCTAssertEqual(try server.decode(binary: client.encode(.resize(TerminalSize(cols: 3, rows: 4)))),
                       .resize(TerminalSize(cols: 3, rows: 4)))
    }

    func testMalformedMessagesAreNamed() {
        XCTAssertThrowsError(try server.decode(binary: [])) { XCTAssertEqual($0 as? ExecFrameError, .emptyMessage) }
        XCTAssertThrowsError(try server.decode(binary: [9, 1])) { XCTAssertEqual($0 as? ExecFrameError, .unknownChannel(9)) }
        XCTAssertThrowsError(try server.decode(binary: [4] + Array("not json".utf8))) {
            guard case .badResize = $0 as? ExecFrameError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try server.decode(binary: [4] + Array("{\"Width\":10}".utf8))) {
            guard case .badResize = $0 as? ExecFrameError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try server.decode(binary: [4] + Array("{\"Width\":0,\"Height\":5}".utf8))) {
            guard case .badResize = $0 as? ExecFrameError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try server.decode(binary: [255])) {
            XCTAssertEqual($0 as? ExecFrameError, .badCloseFrame(length: 1))
        }
        XCTAssertThrowsError(try server.decode(binary: [255, 0, 0])) {
            XCTAssertEqual($0 as? ExecFrameError, .badCloseFrame(length: 3))
        }
        XCTAssertThrowsError(try server.decode(binary: [255, 1])) {
            XCTAssertEqual($0 as? ExecFrameError, .badCloseFrame(length: 2))
        }
        // A client may not send stdout; a server may not send stdin.
        XCTAssertThrowsError(try server.decode(binary: [1, 65]))
        XCTAssertThrowsError(try client.decode(binary: [0, 65]))
        XCTAssertThrowsError(try client.decode(binary: [3] + Array("{oops".utf8))) {
            guard case .badStatus = $0 as? ExecFrameError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try server.decode(text: "hello")) { XCTAssertEqual($0 as? ExecFrameError, .unexpectedText) }
    }

    func testCloseFrameOnlyInV5() throws {
        XCTAssertEqual(try server.decode(binary: [255, 0]), .closeStdin)
        let v4 = FrameCodec(dialect: .v4, side: .server)
        XCTAssertThrowsError(try v4.decode(binary: [255, 0]))
    }

    func testFunctionComputeDialect() throws {
        let fc = FrameCodec(dialect: .functionCompute, side: .server)
        // Binary stdin has no channel byte; text stdin is "\0" + data.
        XCTAssertEqual(try fc.decode(binary: Array("ls\n".utf8)), .stdin(Array("ls\n".utf8)))
        XCTAssertEqual(try fc.decode(text: "\u{0}pwd\n"), .stdin(Array("pwd\n".utf8)))
        XCTAssertThrowsError(try fc.decode(text: "\u{1}x"))
        let fcClient = FrameCodec(dialect: .functionCompute, side: .client)
        XCTAssertEqual(try fcClient.decode(binary: [3] + Array("boom".utf8)), .serverError("boom"))
    }

    func testDialectNegotiation() {
        XCTAssertEqual(ExecDialect.negotiate(offered: []), .functionCompute)
        XCTAssertEqual(ExecDialect.negotiate(offered: ["v4.channel.k8s.io, v5.channel.k8s.io"]), .v5)
        XCTAssertEqual(ExecDialect.negotiate(offered: ["v4.channel.k8s.io"]), .v4)
        XCTAssertNil(ExecDialect.negotiate(offered: ["channel.k8s.io"]))
    }

    func testRequestQueryRoundTripAndErrors() throws {
        let request = ExecRequest(
            functionName: "hello", instanceId: "c-12ab", command: ["sh", "-c", "echo a&b =c"], tty: true, idleTimeout: 30)
        let pathAndQuery = request.pathAndQuery
        XCTAssertTrue(pathAndQuery.hasPrefix("/2023-03-30/functions/hello/instances/c-12ab/exec?command=sh&command=-c&"))
        let query = String(pathAndQuery.split(separator: "?", maxSplits: 1)[1])
        XCTAssertEqual(try ExecRequest.parse(functionName: "hello", instanceId: "c-12ab", query: query), request)
        var recorded = request
        recorded.recording = "/home/op/sessions/a b&c.cast"
        let recordedQuery = String(recorded.pathAndQuery.split(separator: "?", maxSplits: 1)[1])
        XCTAssertTrue(recordedQuery.hasSuffix("&recording=%2Fhome%2Fop%2Fsessions%2Fa%20b%26c.cast"), recordedQuery)
        XCTAssertEqual(try ExecRequest.parse(functionName: "hello", instanceId: "c-12ab", query: recordedQuery), recorded)

        XCTAssertThrowsError(try ExecRequest.parse(functionName: "f", instanceId: "i", query: "stdin=true"))
        XCTAssertThrowsError(try ExecRequest.parse(functionName: "f", instanceId: "i", query: "command=ls&stdin=false"))
        XCTAssertThrowsError(try ExecRequest.parse(functionName: "f", instanceId: "i", query: "command=ls&stdout=maybe"))
        XCTAssertThrowsError(try ExecRequest.parse(functionName: "f", instanceId: "i", query: "command=ls&stdout=true&idleTimeout=-1"))
    }
}
