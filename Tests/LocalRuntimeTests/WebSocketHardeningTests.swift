import ExecCore
import Foundation
import LocalRuntime
import Platform
import XCTest

/// Hand-built frames against the real server on real sockets: RFC 6455's
/// rules are enforced with close code 1002, and unfinished fragmented messages
/// are bounded per message (1009) and across connections (1013).
final class WebSocketHardeningTests: XCTestCase {
    var platform: TestPlatform!
    var instance: Instance!

    override func setUp() async throws {
        var limits = APILimits()
        limits.maxMessageSize = 64 * 1024
        limits.maxPendingMessageBytes = 100 * 1024
        platform = try await TestPlatform.simple(limits: limits)
        instance = try await platform.waitForRunning("fn").first
    }

    override func tearDown() async throws {
        await platform?.shutdown()
    }

    func openCat() throws -> RawWebSocket {
        let path = ExecRequest(functionName: "fn", instanceId: instance.instanceId, command: ["cat"], stdin: true).pathAndQuery
        let socket = try RawWebSocket(port: platform.embedded.port, path: path, token: platform.embedded.token.value)
        XCTAssertEqual(socket.readFrame(timeout: 10)?.payload, [1], "the ready message")
        return socket
    }

    /// The session works, so a refusal below is the rule being enforced.
    func testAWellFormedFrameReachesTheProcess() throws {
        let socket = try openCat()
        try socket.send(opcode: 0x2, payload: [0] + Array("hello\n".utf8))
        XCTAssertEqual(socket.readFrame(timeout: 10)?.payload, [1] + Array("hello\n".utf8))
    }

    func testUnmaskedClientFrameIsClosedWith1002() throws {
        let socket = try openCat()
        try socket.send(opcode: 0x2, payload: [0, 65], masked: false)
        XCTAssertEqual(socket.readClose(timeout: 10), 1002)
        XCTAssertTrue(socket.socket.waitForClose(timeout: 10))
    }

    func testReservedBitWithoutAnExtensionIsClosedWith1002() throws {
        for rsv: UInt8 in [0b100, 0b010, 0b001] {
            let socket = try openCat()
            try socket.send(opcode: 0x2, payload: [0, 65], rsv: rsv)
            XCTAssertEqual(socket.readClose(timeout: 10), 1002, "rsv \(rsv)")
        }
    }

    func testReservedOpcodesAreClosedWith1002() throws {
        for opcode: UInt8 in [0x3, 0x7, 0xB, 0xF] {
            let socket = try openCat()
            try socket.send(opcode: opcode, payload: [0])
            XCTAssertEqual(socket.readClose(timeout: 10), 1002, "opcode \(opcode)")
        }
    }

    func testContinuationWithoutAStartIsClosedWith1002() throws {
        let socket = try openCat()
        try socket.send(opcode: 0x0, payload: [0, 65])
        XCTAssertEqual(socket.readClose(timeout: 10), 1002)
    }

    func testFragmentedMessageIsJoinedBeforeTheProcessSeesIt() throws {
        let socket = try openCat()
        try socket.send(opcode: 0x2, payload: [0] + Array("frag".utf8), fin: false)
        try socket.send(opcode: 0x9, payload: [])   // a ping between fragments is allowed
        try socket.send(opcode: 0x0, payload: Array("ments\n".utf8))
        var text = ""
        let deadline = Date().addingTimeInterval(10)
        while !text.contains("fragments\n"), Date() < deadline, let frame = socket.readFrame(timeout: 10) {
            if frame.opcode == 0x2 { text += String(decoding: frame.payload.dropFirst(), as: UTF8.self) }
        }
        XCTAssertEqual(text, "fragments\n")
    }

    func testAMessageOverTheCapIsClosedWith1009() throws {
        let socket = try openCat()
        let chunk = [UInt8](repeating: 65, count: 16 * 1024)
        try socket.send(opcode: 0x2, payload: [0] + chunk, fin: false)
        for _ in 0..<4 { try? socket.send(opcode: 0x0, payload: chunk, fin: false) }
        XCTAssertEqual(socket.readClose(timeout: 10), 1009)
    }

    func testUnfinishedMessagesAreBoundedAcrossConnections() throws {
        let first = try openCat()
        let second = try openCat()
        let piece = [UInt8](repeating: 66, count: 60 * 1024)
        try first.send(opcode: 0x2, payload: [0] + piece, fin: false)
        // Let the first piece land before the second asks for more of the shared budget.
        let deadline = Date().addingTimeInterval(10)
        while platform.embedded.server.pendingMessageBytes < piece.count, Date() < deadline { usleep(10_000) }
        XCTAssertGreaterThan(platform.embedded.server.pendingMessageBytes, 60 * 1024)
        try second.send(opcode: 0x2, payload: [0] + piece, fin: false)
        XCTAssertEqual(second.readClose(timeout: 10), 1013, "over the shared budget")
        // The first finishes its message and is served; the budget is returned.
        try first.send(opcode: 0x0, payload: Array("\n".utf8))
        var received = 0
        while received < piece.count + 1, let frame = first.readFrame(timeout: 10) {
            if frame.opcode == 0x2 { received += frame.payload.count - 1 }
        }
        XCTAssertEqual(received, piece.count + 1)
        XCTAssertEqual(platform.embedded.server.pendingMessageBytes, 0)
    }
}
