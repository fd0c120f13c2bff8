import ArgumentParser
import CShims
import ExecCore
import Foundation
import KubernetesBackend
import Platform

struct ExecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a command inside a live instance, like `kubectl exec`; no command opens a login shell.",
        discussion: """
            porthole exec c-1a2b3c4d5e6f -- env           # why is my variable not set?
            porthole exec -it c-1a2b3c4d5e6f              # a shell (bash, else sh)
            porthole exec -it --record s.cast c-1a2b3c4d5e6f  # and record it
            porthole exec --function hello -- uptime      # in every instance at once

            `porthole play s.cast` replays a recording. porthole's exit code is the remote command's (127: not found, 255: the session ended without one).
            """)

    @OptionGroup var server: ServerOptions
    @Flag(name: [.customShort("i"), .long], help: "Pass stdin to the command.") var stdin = false
    @Flag(name: [.customShort("t"), .long], help: "Allocate a terminal (raw mode locally, window size forwarded).") var tty = false
    @Option(help: "Close the session after this many seconds with no data (0: never).") var idleTimeout: Int = 0
    @Option(help: "Run the command in every live instance of this function at once (instead of INSTANCE).") var function: String?
    @Option(name: .shortAndLong, help: "With --function: json prints one JSON document with each instance's output and result.")
    var output: OutputFormat = .table
    @Option(help: "Record the session into this asciicast v2 file (`porthole play FILE` replays it).") var record: String?
    @Flag(help: "With --record: record what is typed too (off by default: it includes passwords).") var recordInput = false
    @Option(name: [.customShort("c"), .long], help: "Kubernetes: the container (default: the pod's default-container annotation, else its first).")
    var container: String?
    @Argument(help: "The instance id (c-…); its function is found for you.") var instance: String?
    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.") var command: [String] = []

    func validate() throws {
        try validateFanOutAndRecording()
    }

    func run() async throws {
        if let function { throw try await FanOutExec(function: function, command: command, json: output == .json,
                                                      idleTimeout: idleTimeout, server: server).run() }
        let backend: any PlatformBackend
        let target: Instance
        do {
            backend = try server.backend()
            if backend is KubernetesBackend {
                // Any pod, not only a function's: the API server says whether it exists.
                target = Instance(instanceId: instance ?? "", functionName: "", status: .running, createdTimeMs: 0)
            } else {
                target = try await backend.findInstance(id: instance ?? "")
            }
        } catch {
            throw failure(error)
        }
        // No command: a login shell, interactive when we have a terminal (what `docker exec -it` users expect).
        let interactiveDefault = command.isEmpty && isatty(0) == 1
        let argv = command.isEmpty ? ExecRequest.loginShell : command
        let useTTY = tty || interactiveDefault
        let useStdin = stdin || interactiveDefault
        let rawTerminal = useTTY && isatty(0) == 1
        var request = ExecRequest(
            functionName: target.functionName, instanceId: target.instanceId, command: argv,
            stdin: useStdin, stdout: true, stderr: !useTTY, tty: useTTY, idleTimeout: idleTimeout,
            terminalSize: useTTY ? Self.localTerminalSize() : nil)
        let recording: ExecRecording?
        do {
            recording = try record.map {
                try ExecRecording.start(path: $0, request: request, size: request.terminalSize ?? Self.localTerminalSize(),
                                        recordInput: recordInput)
            }
        } catch {
            throw failure(error)
        }
        request.recording = recording?.path
        // Recorded before it is shown, and the signal handlers are in place before
        // anything arrives: what the user saw when stopping is in the recording.
        recording?.finishOnSignals(rawTerminal ? [SIGINT] : [SIGINT, SIGTERM, SIGHUP])
        let handlers = ExecCallbacks(
            onStdout: { bytes in recording?.writer.output(bytes); writeAll(1, bytes) },
            onStderr: { bytes in recording?.writer.output(bytes); writeAll(2, bytes) })
        let session: ExecSession
        do {
            if let cluster = backend as? KubernetesBackend {
                session = try await cluster.openExec(request, container: container, handlers: handlers)
            } else {
                session = try await backend.openExec(request, handlers: handlers)
            }
        } catch {
            recording?.writer.finish(.reason("not started: \(error)"))
            await closing(backend)
            throw failure(error)
        }
        if rawTerminal {
            porthole_tty_raw(0)
            atexit { porthole_tty_restore(0) }
            forwardWindowSize(to: session, recording: recording)
        }
        if useStdin { pumpStdin(into: session, recording: recording) }
        let end = await session.wait()
        if rawTerminal { porthole_tty_restore(0) }
        recording?.finish(end)
        await closing(backend)
        switch end {
        case .exited: break
        default: FileHandle.standardError.write(Data("porthole: \(end.description)\n".utf8))
        }
        throw ExitCode(end.exitCode)
    }

    /// The size of the terminal on stdin, else stdout, else 80x24 (what a
    /// tty starts at when there is no terminal to copy, as docker does).
    static func localTerminalSize() -> TerminalSize {
        var cols: UInt16 = 0, rows: UInt16 = 0
        for fd: Int32 in [0, 1] where porthole_get_winsize(fd, &cols, &rows) == 0 && cols > 0 && rows > 0 {
            return TerminalSize(cols: Int(cols), rows: Int(rows))
        }
        return TerminalSize(cols: 80, rows: 24)
    }

    /// SIGWINCH → resize, so full-screen programs in the instance follow the local window.
    private func forwardWindowSize(to session: ExecSession, recording: ExecRecording?) {
        signal(SIGWINCH, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGWINCH, queue: .global())
        source.setEventHandler {
            var cols: UInt16 = 0, rows: UInt16 = 0
            if porthole_get_winsize(0, &cols, &rows) == 0 {
                session.resize(cols: Int(cols), rows: Int(rows))
                recording?.writer.resize(cols: Int(cols), rows: Int(rows))
            }
        }
        source.resume()
        SignalSources.keep(source)
        // Stopping porthole from outside must not leave the terminal raw.
        for signalNumber in [SIGTERM, SIGHUP] {
            signal(signalNumber, SIG_IGN)
            let stop = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            stop.setEventHandler {
                porthole_tty_restore(0)
                recording?.writer.finish(.reason("porthole stopped by signal \(signalNumber)"))
                Foundation.exit(128 + signalNumber)
            }
            stop.resume()
            SignalSources.keep(stop)
        }
    }

    /// Copies local stdin to the session on its own thread; a chunk waits for the
    /// socket only when its buffer is full, so a large input never piles up in
    /// memory and the sender is not idle while the socket has room. Chunks of up
    /// to 256 KiB (a file read gives that much; a pipe 64 KiB) keep the per-chunk
    /// hand-over to the event loop rare.
    private func pumpStdin(into session: ExecSession, recording: ExecRecording?) {
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 256 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                let chunk = Array(buffer[0..<count])
                recording?.writer.input(chunk)
                let done = DispatchSemaphore(value: 0)
                Task {
                    try? await session.write(chunk)
                    done.signal()
                }
                done.wait()
                if session.end != nil { return }
            }
            session.closeStdin()
        }
        thread.start()
    }
}

/// write(2) until every byte is out (stdout may be a pipe that takes a little at a time);
/// false when the descriptor refused (a pipe whose reader is gone).
@discardableResult
func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var offset = 0
    return bytes.withUnsafeBytes { raw in
        while offset < raw.count {
            let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                // A descriptor someone made non-blocking (a parent sharing the pipe): wait
                // for room rather than retry at once, which would spin a core until the reader catches up.
                if errno == EAGAIN {
                    var room = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&room, 1, 1000)
                    continue
                }
                return false
            }
            offset += n
        }
        return true
    }
}
