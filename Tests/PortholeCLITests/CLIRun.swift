import Foundation

/// One finished run of the built `porthole` binary: exit status and both streams.
struct CLIRun: CustomStringConvertible {
    let arguments: [String]
    let status: Int32
    let stdout: String
    let stderr: String

    var description: String { "porthole \(arguments.joined(separator: " ")) exited \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = packageRoot.appendingPathComponent(".build/debug/porthole")

    struct Timeout: Error, CustomStringConvertible {
        let arguments: [String]
        var description: String { "porthole \(arguments.joined(separator: " ")) did not finish in time; it was killed" }
    }

    struct MissingBinary: Error, CustomStringConvertible {
        var description: String { "\(CLIRun.binary.path) is missing: build it with `swift build --build-tests` before `swift test --skip-build`" }
    }

    /// Runs `porthole arguments` with stdin from /dev/null and a clean config
    /// (`environment` on top); kills it after `timeout` seconds.
    static func run(_ arguments: [String], environment: [String: String], timeout: TimeInterval = 60) throws -> CLIRun {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw MissingBinary() }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for name in ["PORTHOLE_SERVER", "PORTHOLE_TOKEN_FILE", "PORTHOLE_CONFIG"] { env[name] = nil }
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        // Read both pipes while it runs, so a full pipe never blocks it.
        let outData = DataSink(out.fileHandleForReading), errData = DataSink(err.fileHandleForReading)
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw Timeout(arguments: arguments)
        }
        process.waitUntilExit()
        return CLIRun(arguments: arguments, status: process.terminationStatus, stdout: outData.text(), stderr: errData.text())
    }
}

/// Collects everything a pipe delivers until it closes, on a thread of its own.
private final class DataSink: @unchecked Sendable {
    // Guarded by `done`: the reader thread writes `data` before signalling, `text()` reads after waiting.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func text() -> String {
        done.wait()
        done.signal()
        return String(decoding: data, as: UTF8.self)
    }
}
