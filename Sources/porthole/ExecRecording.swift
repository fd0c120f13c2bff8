import Console
import CShims
import ExecCore
import Foundation
import SessionRecording

/// `porthole exec --record FILE`: the session's asciicast writer, fed from the
/// same places that feed the local terminal.
struct ExecRecording {
    let writer: AsciicastWriter
    /// The absolute path, as the audit log names it.
    let path: String

    /// Creates the file and writes the header before the session opens, so a
    /// path that cannot be written stops porthole before anything runs.
    static func start(path: String, request: ExecRequest, size: TerminalSize, recordInput: Bool) throws -> ExecRecording {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let environment = ProcessInfo.processInfo.environment
        let header = AsciicastHeader(
            width: size.cols, height: size.rows, timestamp: Int(Date().timeIntervalSince1970),
            command: AsciicastHeader.commandLine(request.command),
            title: "porthole exec \(request.instanceId) (\(request.functionName))",
            env: ["TERM": environment["TERM"] ?? "", "SHELL": environment["SHELL"] ?? ""].filter { !$0.value.isEmpty })
        let writer = try AsciicastWriter(path: absolute, header: header, recordInput: recordInput)
        return ExecRecording(writer: writer, path: absolute)
    }

    /// Writes the end marker and closes the file; says so on stderr when the file is incomplete.
    func finish(_ end: ExecEnd) {
        writer.finish(RecordedEnd(end))
        if let error = writer.error {
            FileHandle.standardError.write(Data("porthole: \(error)\n".utf8))
        }
    }

    /// Ends the recording with the signal's name when porthole is stopped (Ctrl-C
    /// without a tty, kill), so the file says why it stops there; then exits as the
    /// signal would have (128+N).
    func finishOnSignals(_ signals: [Int32]) {
        for signalNumber in signals {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                writer.finish(.reason("porthole stopped by signal \(signalNumber)"))
                porthole_tty_restore(0)
                Foundation.exit(128 + signalNumber)
            }
            source.resume()
            SignalSources.keep(source)
        }
    }
}
