import NIOCore
import NIOEmbedded
import NIOWebSocket
import XCTest

@testable import ExecCore

/// The server's exec pump on NIOEmbedded channels: the socket and the process
/// are embedded channels on one embedded loop whose clock the test moves, so
/// every timer fires exactly when told, in microseconds of real time.
final class ExecSessionPumpTests: XCTestCase {
    /// A process whose stdout/stderr are embedded channels the test writes into.
    final class FakeProcess: ExecProcess {
        let io: Channel
        let errorOutput: Channel?
        let exit: EventLoopPromise<ExecStatus>
        var exitStatus: EventLoopFuture<ExecStatus> { exit.futureResult }
        var resizes: [TerminalSize] = []
        var stdinClosed = false
        var terminated = false

        init(loop: EmbeddedEventLoop, stderr: Bool) {
            io = EmbeddedChannel(loop: loop)
            errorOutput = stderr ? EmbeddedChannel(loop: loop) : nil
            exit = loop.makePromise()
        }

        var stdout: EmbeddedChannel { io as! EmbeddedChannel }
        func resize(_ size: TerminalSize) { resizes.append(size) }
        func closeStdin() { stdinClosed = true }
        func terminate() { terminated = true }
    }

    struct Session {
        let loop: EmbeddedEventLoop
        let socket: EmbeddedChannel
        let process: FakeProcess
        let pump: ExecSessionPump
        let summaries: Box
    }

    final class Box { var values: [ExecSessionSummary] = [] }

    let codec = FrameCodec(dialect: .v5, side: .client)

    func makeSession(tty: Bool = false, stderr: Bool = true, idleTimeout: Int? = nil,
                     exitGrace: TimeAmount = .milliseconds(100),
                     keepalive: TimeAmount = .seconds(5), peerTimeout: TimeAmount = .seconds(15)) throws -> Session {
        let loop = EmbeddedEventLoop()
        let socket = EmbeddedChannel(loop: loop)
        try socket.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        let process = FakeProcess(loop: loop, stderr: stderr)
        let summaries = Box()
        let request = ExecRequest(functionName: "fn", instanceId: "i-1", command: ["sh"], stdin: true, tty: tty,
                                  idleTimeout: idleTimeout)
        let pump = ExecSessionPump(
            codec: FrameCodec(dialect: .v5, side: .server), request: request, eventLoop: loop,
            exitGrace: exitGrace, initialSizeWait: .milliseconds(250), keepaliveInterval: keepalive, peerTimeout: peerTimeout,
            startProcess: { loop, _ in loop.assumeIsolated().makeSucceededFuture(process) },
            onFinish: { summaries.values.append($0) })
        try socket.pipeline.syncOperations.addHandler(pump)
        if tty { loop.advanceTime(by: .milliseconds(250)) }
        return Session(loop: loop, socket: socket, process: process, pump: pump, summaries: summaries)
    }

    /// Every frame the pump wrote to the socket so far.
    func sent(_ session: Session) throws -> [WebSocketFrame] {
        var frames: [WebSocketFrame] = []
        while let frame = try session.socket.readOutbound(as: WebSocketFrame.self) { frames.append(frame) }
        return frames
    }

    func decoded(_ frames: [WebSocketFrame]) throws -> [ExecFrame] {
        try frames.filter { $0.opcode == .binary }.map { try codec.decode(binary: $0.unmaskedData) }
    }

    /// A client frame as the pump receives it (NIO hands it on unmasked here;
    /// masking is the assembler's business, tested on real sockets).
    func clientFrame(_ bytes: [UInt8], opcode: WebSocketOpcode = .binary) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: opcode, data: ByteBuffer(bytes: bytes))
    }

    func lastAutoRead(_ channel: EmbeddedChannel) -> Bool? {
        channel.options.last { $0.option is ChannelOptions.Types.AutoReadOption }?.value as? Bool
    }

    // MARK: Tests

    func testReadyFrameThenOutputThenStatusAfterAllOutput() throws {
        let s = try makeSession()
        try s.process.stdout.writeInbound(ByteBuffer(string: "one "))
        s.process.exit.succeed(.exited(3))
        // Output still arriving after the exit is delivered before the status.
        try s.process.stdout.writeInbound(ByteBuffer(string: "two"))
        try (s.process.errorOutput as! EmbeddedChannel).writeInbound(ByteBuffer(string: "err"))
        XCTAssertTrue(s.summaries.values.isEmpty, "no status while output streams are open")
        s.process.stdout.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        s.process.errorOutput!.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        let frames = try sent(s)
        XCTAssertEqual(try decoded(frames), [.stdout([]), .stdout(Array("one ".utf8)), .stdout(Array("two".utf8)),
                                            .stderr(Array("err".utf8)), .status(.exited(3))])
        XCTAssertEqual(frames.last?.opcode, .connectionClose)
        XCTAssertEqual(s.summaries.values.count, 1)
        XCTAssertEqual(s.summaries.values.first?.bytesOut, 10)
        XCTAssertTrue(s.process.terminated)
    }

    func testExitGraceSendsStatusWhenABackgroundChildHoldsTheOutputOpen() throws {
        let s = try makeSession(exitGrace: .milliseconds(100))
        s.process.exit.succeed(.exited(0))
        s.loop.advanceTime(by: .milliseconds(99))
        XCTAssertTrue(s.summaries.values.isEmpty)
        s.loop.advanceTime(by: .milliseconds(1))
        XCTAssertEqual(s.summaries.values.map(\.status), [.exited(0)])
        XCTAssertEqual(try decoded(try sent(s)).last, .status(.exited(0)))
    }

    func testIdleTimeoutEndsASilentSessionAndDataPostponesIt() throws {
        let s = try makeSession(idleTimeout: 2)
        s.loop.advanceTime(by: .seconds(1))
        try s.socket.writeInbound(clientFrame([0] + Array("x".utf8)))   // stdin: activity
        XCTAssertEqual(try s.process.stdout.readOutbound(as: ByteBuffer.self), ByteBuffer(string: "x"))
        s.loop.advanceTime(by: .milliseconds(1999))
        XCTAssertTrue(s.summaries.values.isEmpty, "stdin at 1 s moved the deadline to 3 s")
        s.loop.advanceTime(by: .milliseconds(1))
        XCTAssertEqual(s.summaries.values.first?.status.reason, ExecStatus.Reason.idleTimeout)
        guard case .status(let status)? = try decoded(try sent(s)).last else { return XCTFail("no status") }
        XCTAssertEqual(status.reason, "IdleTimeout")
    }

    func testPingsAreNotDataForTheIdleTimeout() throws {
        let s = try makeSession(idleTimeout: 2)
        s.loop.advanceTime(by: .seconds(1))
        try s.socket.writeInbound(clientFrame([], opcode: .ping))
        s.loop.advanceTime(by: .seconds(1))
        XCTAssertEqual(s.summaries.values.first?.status.reason, ExecStatus.Reason.idleTimeout)
    }

    func testAnEmptyStdinMessageIsAKeepaliveForTheIdleTimeout() throws {
        let s = try makeSession(idleTimeout: 2)
        s.loop.advanceTime(by: .milliseconds(1500))
        try s.socket.writeInbound(clientFrame([0]))                      // stdin, no bytes
        XCTAssertNil(try s.process.stdout.readOutbound(as: ByteBuffer.self), "no byte reaches the program")
        s.loop.advanceTime(by: .milliseconds(1999))
        XCTAssertTrue(s.summaries.values.isEmpty, "the keepalive at 1.5 s moved the deadline to 3.5 s")
        s.loop.advanceTime(by: .milliseconds(1))
        XCTAssertEqual(s.summaries.values.first?.status.reason, ExecStatus.Reason.idleTimeout)
    }

    func testKeepalivePingsAndASilentClientIsDroppedAfterThePeerTimeout() throws {
        let s = try makeSession(keepalive: .seconds(5), peerTimeout: .seconds(15))
        _ = try sent(s)
        s.loop.advanceTime(by: .seconds(5))
        XCTAssertEqual(try sent(s).map(\.opcode), [.ping])
        // A pong at 5 s keeps it alive until 20 s.
        try s.socket.writeInbound(clientFrame([], opcode: .pong))
        s.loop.advanceTime(by: .seconds(14))
        XCTAssertTrue(s.summaries.values.isEmpty)
        s.loop.advanceTime(by: .seconds(2))
        XCTAssertEqual(s.summaries.values.first?.status.reason, ExecStatus.Reason.clientUnresponsive)
        XCTAssertTrue(s.process.terminated, "the process goes with its client")
    }

    func testBackpressurePausesProcessOutputUntilTheSocketDrains() throws {
        let s = try makeSession()
        s.socket.isWritable = false
        try s.process.stdout.writeInbound(ByteBuffer(string: "burst"))
        XCTAssertEqual(lastAutoRead(s.process.stdout), false, "a full socket stops reading the process")
        XCTAssertEqual(lastAutoRead(s.process.errorOutput as! EmbeddedChannel), false)
        s.socket.isWritable = true
        s.socket.pipeline.fireChannelWritabilityChanged()
        XCTAssertEqual(lastAutoRead(s.process.stdout), true)
        XCTAssertEqual(try decoded(try sent(s)).last, .stdout(Array("burst".utf8)), "nothing dropped")
    }

    func testStdinBackpressureStopsReadingTheSocket() throws {
        let s = try makeSession()
        s.process.stdout.isWritable = false
        try s.socket.writeInbound(clientFrame([0, 1, 2]))
        XCTAssertEqual(lastAutoRead(s.socket), false)
        s.process.stdout.isWritable = true
        s.process.stdout.pipeline.fireChannelWritabilityChanged()
        XCTAssertEqual(lastAutoRead(s.socket), true)
    }

    func testMalformedFramesEndTheSessionWithBadRequest() throws {
        let cases: [(String, WebSocketFrame)] = [
            ("empty", clientFrame([])),
            ("unknown channel", clientFrame([9, 1])),
            ("stdout from a client", clientFrame([1, 65])),
            ("bad resize", clientFrame([4] + Array("{\"Width\":0}".utf8))),
            ("bad close", clientFrame([255, 0, 0])),
            ("text in v5", clientFrame(Array("hi".utf8), opcode: .text)),
        ]
        for (name, frame) in cases {
            let s = try makeSession()
            try s.socket.writeInbound(frame)
            XCTAssertEqual(s.summaries.values.first?.status.reason, "BadRequest", name)
            guard case .status(let status)? = try decoded(try sent(s)).last else { return XCTFail("\(name): no status") }
            XCTAssertTrue(status.message?.contains("malformed exec message") == true, "\(name): \(status)")
            XCTAssertTrue(s.process.terminated, name)
        }
    }

    func testResizeAndStdinEOFReachTheProcess() throws {
        let s = try makeSession()
        try s.socket.writeInbound(clientFrame([4] + Array("{\"Width\":100,\"Height\":30}".utf8)))
        try s.socket.writeInbound(clientFrame([255, 0]))
        XCTAssertEqual(s.process.resizes, [TerminalSize(cols: 100, rows: 30)])
        XCTAssertTrue(s.process.stdinClosed)
    }

    /// A caller's closures may well reach the pump (LocalPlatform's did: a
    /// 9.7 MiB per 1,000 sessions leak). Once finished, the pump lets them go,
    /// so such a cycle cannot keep it, its channel and its buffers alive.
    func testAFinishedPumpDropsItsClosuresSoACycleThroughThemIsBroken() throws {
        final class Holder { var pump: ExecSessionPump? }
        weak var weakPump: ExecSessionPump?
        try autoreleasepoolIfAvailable {
            let loop = EmbeddedEventLoop()
            let socket = EmbeddedChannel(loop: loop)
            try socket.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
            let process = FakeProcess(loop: loop, stderr: false)
            let holder = Holder()
            let pump = ExecSessionPump(
                codec: FrameCodec(dialect: .v5, side: .server),
                request: ExecRequest(functionName: "fn", instanceId: "i-1", command: ["true"]), eventLoop: loop,
                startProcess: { loop, _ in _ = holder.pump; return loop.assumeIsolated().makeSucceededFuture(process) },
                onFinish: { _ in _ = holder.pump })
            holder.pump = pump
            weakPump = pump
            try socket.pipeline.syncOperations.addHandler(pump)
            process.exit.succeed(.exited(0))
            process.stdout.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            loop.advanceTime(by: .seconds(3))
            XCTAssertFalse(socket.isActive)
            _ = try? socket.finish(acceptAlreadyClosed: true)
            _ = try? process.stdout.finish(acceptAlreadyClosed: true)
        }
        XCTAssertNil(weakPump, "the finished pump is still alive")
    }
}

/// Runs `body` (Linux has no autorelease pool; the scope is what matters).
func autoreleasepoolIfAvailable(_ body: () throws -> Void) rethrows { try body() }
