import CShims
import ExecCore
import Foundation
import NIOCore
import NIOPosix

/// A command running inside an instance for one exec session: under a pty
/// (`tty=true`) or on three pipes. Its streams are NIO channels on the
/// session's event loop, so the pump can apply backpressure by pausing reads.
final class LocalExecProcess: ExecProcess {
    let io: Channel
    let errorOutput: Channel?
    let exitStatus: EventLoopFuture<ExecStatus>
    let child: ChildProcess
    private let ptyMaster: Int32?
    private let isTTY: Bool

    private init(io: Channel, errorOutput: Channel?, child: ChildProcess, ptyMaster: Int32?, eventLoop: EventLoop) {
        self.io = io
        self.errorOutput = errorOutput
        self.child = child
        self.ptyMaster = ptyMaster
        self.isTTY = ptyMaster != nil
        let promise = eventLoop.makePromise(of: ExecStatus.self)
        child.onExit { termination in promise.succeed(.exited(termination.exitCode)) }
        self.exitStatus = promise.futureResult
    }

    /// Starts `argv` (porthole-init's exec-session argv, see `Isolation.execArgv`)
    /// and wraps its streams in channels on `eventLoop`.
    static func start(
        argv: [String], environment: [String: String], directory: String, tty: Bool, stdin: Bool,
        size: TerminalSize, eventLoop: EventLoop
    ) -> EventLoopFuture<ExecProcess> {
        do {
            if tty {
                var env = environment
                env["TERM"] = env["TERM"] ?? "xterm-256color"
                // porthole-init (argv[0]) makes the pty the controlling terminal of the
                // command's session, inside the instance's namespaces.
                let (child, master) = try ChildProcess.spawnPTY(
                    argv: argv, environment: env, directory: directory, size: (size.cols, size.rows),
                    passing: Lifeline.readEnd, controlling: false)
                // Our own CLOEXEC copy for the write side: NIO's dup() would leak into later children.
                let writeCopy = porthole_dup_cloexec(master)
                // A pty hands out ~4 KiB per read: take several per wake-up.
                return NIOPipeBootstrap(group: eventLoop)
                    .channelOption(.maxMessagesPerRead, value: 16)
                    .takingOwnershipOfDescriptors(input: master, output: writeCopy)
                    .map { channel in
                        LocalExecProcess(io: channel, errorOutput: nil, child: child, ptyMaster: master, eventLoop: eventLoop)
                    }
            }
            let (child, input, output, errors) = try ChildProcess.spawnPipes(
                argv: argv, environment: environment, directory: directory, passing: Lifeline.readEnd)
            let main = NIOPipeBootstrap(group: eventLoop)
                .channelOption(.allowRemoteHalfClosure, value: true)
                .takingOwnershipOfDescriptors(input: output, output: input)
            let errorChannel = NIOPipeBootstrap(group: eventLoop)
                .channelOption(.allowRemoteHalfClosure, value: true)
                .takingOwnershipOfDescriptor(input: errors)
            return main.and(errorChannel).map { main, errorChannel in
                let process = LocalExecProcess(io: main, errorOutput: errorChannel, child: child, ptyMaster: nil, eventLoop: eventLoop)
                if !stdin { process.closeStdin() }
                return process
            }
        } catch SpawnError.notFound(let name) {
            return eventLoop.makeFailedFuture(ExecSpawnError.commandNotFound(name))
        } catch {
            return eventLoop.makeFailedFuture(ExecSpawnError.failed("\(error)"))
        }
    }

    func resize(_ size: TerminalSize) {
        guard let ptyMaster else { return }
        // TIOCSWINSZ on the master; the kernel sends SIGWINCH to the foreground group.
        io.eventLoop.execute { [io] in
            guard io.isActive else { return }
            _ = porthole_set_winsize(ptyMaster, UInt16(clamping: size.cols), UInt16(clamping: size.rows))
        }
    }

    func closeStdin() {
        if isTTY {
            // A tty has no separate stdin to close: send the EOF character, as a terminal would.
            io.writeAndFlush(io.allocator.buffer(bytes: [0x04]), promise: nil)
        } else {
            io.close(mode: .output, promise: nil)
        }
    }

    func terminate() {
        // SIGHUP is what a shell expects when its terminal goes away; SIGKILL follows for anything stubborn.
        child.signalGroup(SIGHUP)
        child.stop(grace: 2)
        let channels = [io] + (errorOutput.map { [$0] } ?? [])
        child.onExit { _ in
            for channel in channels {
                // Let the pump read what is left, then release the descriptors.
                channel.eventLoop.scheduleTask(in: .seconds(5)) { channel.close(promise: nil) }
            }
        }
    }
}
