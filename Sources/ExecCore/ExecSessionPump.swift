import NIOConcurrencyHelpers
import NIOCore
import NIOWebSocket

/// The server end of one exec session: pumps bytes between the WebSocket and a
/// process, with backpressure both ways, the session idle timeout, keepalive
/// pings and pongs, and the status frame after every byte of output.
///
/// Keepalive (docs/PROTOCOL.md §1): a ping every `keepaliveInterval`; a client
/// that sends nothing at all (no frame, no pong) for `peerTimeout` is taken for
/// gone: the session ends, its process is stopped and its hold on the instance
/// released.
///
/// Backpressure: while the socket cannot take more, the process's output is not
/// read (the process blocks in write); while the process's stdin is full, the
/// socket is not read. Nothing is dropped and memory stays bounded.
public final class ExecSessionPump: ChannelInboundHandler {
    public typealias InboundIn = WebSocketFrame
    public typealias OutboundOut = WebSocketFrame

    private let codec: FrameCodec
    /// Its clock times the idle and keepalive deadlines (virtual time under test).
    private let eventLoop: EventLoop
    private let request: ExecRequest
    /// Starts the command; with a tty, at the size the client asked for first.
    /// The future must be of the loop it is given (the session's).
    /// Dropped when the session finishes: whatever it captures (the platform,
    /// this pump's control) must not outlive the session through it.
    private var startProcess: ((EventLoop, TerminalSize?) -> EventLoopFuture<ExecProcess>)?
    private var onFinish: ((ExecSessionSummary) -> Void)?
    private let keepaliveInterval: TimeAmount
    private let peerTimeout: TimeAmount
    private let idleTimeout: TimeAmount?
    /// After the process exits, how long to wait for its output streams to close
    /// (a background child may hold them open) before sending the status anyway.
    private let exitGrace: TimeAmount
    /// With a tty, how long to wait for the client's first resize before
    /// starting the command at the default size anyway.
    private let initialSizeWait: TimeAmount

    private var context: ChannelHandlerContext?
    private var process: ExecProcess?
    private var pendingInput: [ExecFrame] = []
    private var openOutputs = 0
    private var exitStatus: ExecStatus?
    private var finished = false
    private var outputPaused = false
    private var lastActivity = NIODeadline.uptimeNanoseconds(0)
    /// When the client last sent anything at all, pings and pongs included.
    private var lastHeard = NIODeadline.uptimeNanoseconds(0)
    private var keepalive: RepeatedTask?
    private var silenceTimer: Scheduled<Void>?
    private var idleTimer: Scheduled<Void>?
    private var graceTimer: Scheduled<Void>?
    /// Waiting for the first resize before starting a tty command.
    private var sizeTimer: Scheduled<Void>?
    private var processRequested = false
    private var bytesIn = 0
    private var bytesOut = 0
    /// Function Compute's dialect: text frames while output is valid UTF-8.
    private var stdoutSplitter = UTF8FrameSplitter()
    private var stderrSplitter = UTF8FrameSplitter()

    public let control: ExecSessionControl

    /// Pumps alive in this process: a finished session must not leave its pump
    /// (and with it the channel and buffers) behind. For leak checks.
    public static var liveCount: Int { live.withLockedValue { $0 } }
    private static let live = NIOLockedValueBox(0)

    public init(
        codec: FrameCodec,
        request: ExecRequest,
        eventLoop: EventLoop,
        exitGrace: TimeAmount = .seconds(2),
        initialSizeWait: TimeAmount = .milliseconds(250),
        keepaliveInterval: TimeAmount = .seconds(5),
        peerTimeout: TimeAmount = .seconds(15),
        startProcess: @escaping (EventLoop, TerminalSize?) -> EventLoopFuture<ExecProcess>,
        onFinish: @escaping (ExecSessionSummary) -> Void
    ) {
        self.codec = codec
        self.eventLoop = eventLoop
        self.request = request
        self.startProcess = startProcess
        self.onFinish = onFinish
        self.exitGrace = exitGrace
        self.initialSizeWait = initialSizeWait
        self.keepaliveInterval = keepaliveInterval
        self.peerTimeout = peerTimeout
        if let seconds = request.idleTimeout, seconds > 0 { idleTimeout = .seconds(Int64(seconds)) } else { idleTimeout = nil }
        self.control = ExecSessionControl(eventLoop: eventLoop)
        Self.live.withLockedValue { $0 += 1 }
    }

    deinit {
        Self.live.withLockedValue { $0 -= 1 }
    }

    // MARK: Start

    public func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        lastActivity = eventLoop.now
        control.attach(self)
        // Timers first: the command may fail to start (and finish the session) at once.
        scheduleIdleCheck()
        startKeepalive(context: context)
        // Kubernetes sends one empty message on the lowest channel it will write.
        let ready: ExecChannel = request.stdout || request.tty ? .stdout : .stderr
        if codec.dialect != .functionCompute { send([ready.rawValue], context: context) }
        if request.tty && codec.dialect != .functionCompute {
            // Clients send the terminal's size right after the upgrade (kubectl
            // does): a program that starts at the wrong size lays out its first
            // screen wrong (`ls` columns, a full-screen program's frame).
            sizeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: initialSizeWait) { [weak self] in
                self?.requestProcess(size: nil)
            }
        } else {
            requestProcess(size: nil)
        }
    }

    private func requestProcess(size: TerminalSize?) {
        guard !processRequested, !finished, let context, let startProcess else { return }
        processRequested = true
        sizeTimer?.cancel()
        sizeTimer = nil
        startProcess(context.eventLoop, size).assumeIsolated().whenComplete { [weak self] result in
            guard let self else { return }
            switch result {
            case .success(let process): self.started(process)
            case .failure(ExecSpawnError.commandNotFound(let name)):
                self.finish(.failure(
                    reason: ExecStatus.Reason.commandNotFound,
                    message: "command \"\(name)\" not found in instance \(self.request.instanceId)", exitCode: 127))
            case .failure(ExecSpawnError.refused(let status)):
                self.finish(status)
            case .failure(let error):
                self.finish(.failure(reason: ExecStatus.Reason.internalError, message: "cannot start the command: \(error)"))
            }
        }
    }

    private func started(_ process: ExecProcess) {
        guard !finished else {
            process.terminate()
            return
        }
        self.process = process
        attachOutput(process.io, channel: .stdout)
        if let errors = process.errorOutput { attachOutput(errors, channel: .stderr) }
        process.exitStatus.assumeIsolated().whenComplete { [weak self] result in
            switch result {
            case .success(let status): self?.processExited(status)
            case .failure(let error):
                self?.processExited(.failure(reason: ExecStatus.Reason.internalError, message: "\(error)"))
            }
        }
        // Input that arrived while the process was starting.
        let queued = pendingInput
        pendingInput = []
        for frame in queued { apply(frame) }
    }

    private func attachOutput(_ channel: Channel, channel kind: ExecChannel) {
        openOutputs += 1
        do {
            try channel.pipeline.syncOperations.addHandler(ProcessStreamHandler(channel: kind, pump: self))
        } catch {
            openOutputs -= 1
        }
    }

    // MARK: Socket → process

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        lastHeard = eventLoop.now
        switch frame.opcode {
        case .binary:
            var message = frame.data
            if let key = frame.maskKey { message.applyWebSocketMask(key) }
            if codec.dialect != .functionCompute, message.getInteger(at: message.readerIndex, as: UInt8.self) == ExecChannel.stdin.rawValue {
                // Stdin, the bulk of what clients send, goes on without a copy into an array.
                message.moveReaderIndex(forwardBy: 1)
                writeStdin(message)
            } else {
                handleClientMessage(message)
            }
        case .text:
            do {
                apply(try codec.decode(text: String(buffer: frame.unmaskedData)))
            } catch {
                protocolError("\(error)")
            }
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            // The client hung up: the process goes too, and no status can be sent.
            finish(nil)
        default:
            break
        }
    }

    private func handleClientMessage(_ message: ByteBuffer) {
        // kubectl -it on a terminal with no size yet sends 0x0; the kubelet skips such a
        // resize, so a Kubernetes client must not lose its session over one.
        if codec.dialect != .functionCompute,
           message.getInteger(at: message.readerIndex, as: UInt8.self) == ExecChannel.resize.rawValue,
           FrameCodec.isEmptyResize(Array(message.readableBytesView)) { return }
        do {
            apply(try codec.decode(binary: message))
        } catch {
            protocolError("\(error)")
        }
    }

    private func apply(_ frame: ExecFrame) {
        guard !finished else { return }
        guard let process else {
            if case .resize(let size) = frame, !processRequested {
                requestProcess(size: size)   // starts at this size: no resize needed
            } else {
                pendingInput.append(frame)
            }
            return
        }
        switch frame {
        case .stdin(let bytes):
            writeStdin(ByteBuffer(bytes: bytes))
        case .resize(let size): process.resize(size)
        case .closeStdin: process.closeStdin()
        case .stdout, .stderr, .status, .serverError: break
        }
    }

    /// Writes client bytes to the process's stdin; while the process's input is
    /// full the socket is not read (backpressure), so nothing piles up here.
    private func writeStdin(_ bytes: ByteBuffer) {
        guard !finished else { return }
        guard bytes.readableBytes > 0 else {
            // An empty stdin message is a client's keepalive: activity, no data.
            touch()
            return
        }
        guard let process else {
            pendingInput.append(.stdin(Array(bytes.readableBytesView)))
            return
        }
        bytesIn += bytes.readableBytes
        touch()
        let io = process.io
        io.writeAndFlush(bytes, promise: nil)
        if !io.isWritable { context?.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in } }
    }

    /// A malformed client message ends the session with a status that names it.
    private func protocolError(_ message: String) {
        finish(.failure(reason: "BadRequest", message: "malformed exec message: \(message)"))
    }

    func processWritabilityChanged(writable: Bool) {
        guard writable, let context else { return }
        context.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
    }

    // MARK: Process → socket

    func processOutput(_ buffer: ByteBuffer, on channel: ExecChannel) {
        guard let context, !finished else { return }
        bytesOut += buffer.readableBytes
        touch()
        if codec.dialect == .functionCompute {
            let pieces = channel == .stderr
                ? stderrSplitter.split(Array(buffer.readableBytesView)) : stdoutSplitter.split(Array(buffer.readableBytesView))
            for piece in pieces { write(piece, on: channel, context: context) }
            if !context.channel.isWritable {
                context.flush()
                pauseOutput(true)
            }
            return
        }
        let frameData = codec.encodeOutput(buffer, on: channel, allocator: context.channel.allocator)
        // Flushed once per read burst (processReadComplete): fewer syscalls at full speed.
        context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .binary, data: frameData)), promise: nil)
        if !context.channel.isWritable {
            context.flush()
            pauseOutput(true)
        }
    }

    private func write(_ piece: UTF8FrameSplitter.Piece, on channel: ExecChannel, context: ChannelHandlerContext) {
        var frameData = context.channel.allocator.buffer(capacity: piece.bytes.count + 1)
        frameData.writeInteger(channel.rawValue)
        frameData.writeBytes(piece.bytes)
        let frame = WebSocketFrame(fin: true, opcode: piece.text ? .text : .binary, data: frameData)
        context.write(wrapOutboundOut(frame), promise: nil)
    }

    func processReadComplete() {
        context?.flush()
    }

    public func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { pauseOutput(false) }
        context.fireChannelWritabilityChanged()
    }

    private func pauseOutput(_ pause: Bool) {
        guard pause != outputPaused, let process else { return }
        outputPaused = pause
        process.io.setOption(ChannelOptions.autoRead, value: !pause).whenComplete { _ in }
        process.errorOutput?.setOption(ChannelOptions.autoRead, value: !pause).whenComplete { _ in }
        if !pause, exitStatus != nil { armGraceTimer() }
    }

    func processOutputEnded(_ channel: ExecChannel) {
        if let context, !finished, let piece = channel == .stderr ? stderrSplitter.flush() : stdoutSplitter.flush() {
            write(piece, on: channel, context: context)
            context.flush()
        }
        openOutputs -= 1
        if openOutputs <= 0, let status = exitStatus { finish(status) }
    }

    private func processExited(_ status: ExecStatus) {
        exitStatus = status
        if openOutputs <= 0 { finish(status) } else { armGraceTimer() }
    }

    private func armGraceTimer() {
        graceTimer?.cancel()
        guard let context else { return }
        graceTimer = context.eventLoop.assumeIsolated().scheduleTask(in: exitGrace) { [weak self] in
            guard let self, let status = self.exitStatus else { return }
            // Still draining into a slow socket: that is progress, keep waiting.
            if self.outputPaused { return }
            self.finish(status)
        }
    }

    // MARK: Idle timeout

    private func touch() { lastActivity = eventLoop.now }

    private func scheduleIdleCheck() {
        guard let idleTimeout, let context, !finished else { return }
        idleTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: lastActivity + idleTimeout) { [weak self] in
            guard let self, !self.finished else { return }
            if eventLoop.now >= self.lastActivity + idleTimeout {
                let seconds = idleTimeout.nanoseconds / 1_000_000_000
                self.finish(.failure(
                    reason: ExecStatus.Reason.idleTimeout,
                    message: "session closed after \(seconds) s with no data in either direction (idleTimeout=\(seconds))"))
            } else {
                self.scheduleIdleCheck()
            }
        }
    }

    // MARK: Keepalive

    private func startKeepalive(context: ChannelHandlerContext) {
        lastHeard = eventLoop.now
        if keepaliveInterval > .zero {
            let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
            keepalive = context.eventLoop.scheduleRepeatedTask(initialDelay: keepaliveInterval, delay: keepaliveInterval) { _ in
                loopBound.value.sendPing()
            }
        }
        scheduleSilenceCheck()
    }

    private func sendPing() {
        guard let context, !finished else { return }
        let ping = WebSocketFrame(fin: true, opcode: .ping, data: context.channel.allocator.buffer(capacity: 0))
        context.writeAndFlush(wrapOutboundOut(ping), promise: nil)
    }

    private func scheduleSilenceCheck() {
        guard peerTimeout > .zero, let context, !finished else { return }
        silenceTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: lastHeard + peerTimeout) { [weak self] in
            self?.checkSilence()
        }
    }

    private func checkSilence() {
        guard let context, !finished else { return }
        // While stdin backpressure keeps the socket unread, the client's frames
        // wait in the kernel: silence then says nothing about the client.
        if let reading = try? context.channel.syncOptions?.getOption(ChannelOptions.autoRead), !reading {
            lastHeard = eventLoop.now
        }
        if eventLoop.now >= lastHeard + peerTimeout {
            let seconds = peerTimeout.nanoseconds / 1_000_000_000
            finish(.failure(
                reason: ExecStatus.Reason.clientUnresponsive,
                message: "the client sent nothing, not even a reply to a keepalive ping, for \(seconds) s; the session was closed"))
        } else {
            scheduleSilenceCheck()
        }
    }

    // MARK: End

    /// Ends the session: sends `status` (unless the client is gone), closes the
    /// socket, and stops the process. Safe to call more than once.
    func finish(_ status: ExecStatus?) {
        guard !finished else { return }
        finished = true
        idleTimer?.cancel()
        graceTimer?.cancel()
        sizeTimer?.cancel()
        keepalive?.cancel()
        silenceTimer?.cancel()
        process?.terminate()
        let summary = ExecSessionSummary(
            status: status ?? .failure(reason: "ClientClosed", message: "the client closed the connection"),
            bytesIn: bytesIn, bytesOut: bytesOut)
        let onFinish = self.onFinish
        self.onFinish = nil
        startProcess = nil
        onFinish?(summary)
        guard let context else { return }
        let channel = context.channel
        if let status, channel.isActive {
            if !(codec.dialect == .functionCompute && status.status == "Success") {
                send(codec.encode(.status(status)), context: context)
            }
            let closeFrame = WebSocketFrame(
                fin: true, opcode: .connectionClose, data: channel.allocator.buffer(bytes: [0x03, 0xE8]))
            context.writeAndFlush(wrapOutboundOut(closeFrame)).whenComplete { _ in
                // Give the client a moment to answer the close, then drop the connection.
                channel.eventLoop.scheduleTask(in: .seconds(2)) { channel.close(promise: nil) }
            }
        } else {
            channel.close(promise: nil)
        }
    }

    private func send(_ bytes: [UInt8], context: ChannelHandlerContext) {
        // FC's error text goes as text when it can, for the clients that read only text.
        let text = codec.dialect == .functionCompute && UTF8FrameSplitter.isValid(bytes)
        let frame = WebSocketFrame(fin: true, opcode: text ? .text : .binary, data: context.channel.allocator.buffer(bytes: bytes))
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        finish(nil)
        context.fireChannelInactive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        finish(nil)
        self.context = nil
    }

    public func errorCaught(context: ChannelHandlerContext, error: Error) {
        finish(nil)
        context.close(promise: nil)
    }

    /// Ends the session from outside the event loop (instance released or failed).
    func end(with status: ExecStatus) { finish(status) }
}
