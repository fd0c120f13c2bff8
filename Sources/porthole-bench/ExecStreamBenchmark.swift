import Foundation
import LocalRuntime
import Platform

/// Issue 15's exec figure: the same random file through one exec session each
/// way with the real CLI, byte-exact — stdin into `sha256sum` in the instance,
/// and `cat` of the file out of the instance into a local `sha256sum` — against
/// `sha256sum` of the file alone (the reference: what the hash costs without
/// porthole), all in the same run.
enum ExecStreamBenchmark {
    struct Result {
        var bytes: Int
        var localSeconds: [Double]
        var stdinSeconds: [Double]
        var stdoutSeconds: [Double]
    }

    static func run(embedded: EmbeddedPlatform, instance: Instance, tokenFile: URL, megabytes: Int, runs: Int) throws -> Result {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("porthole").path
        let file = tokenFile.deletingLastPathComponent().appendingPathComponent("stream-\(megabytes)MiB.bin").path
        defer { unlink(file) }
        let bytes = megabytes * 1024 * 1024
        _ = try shell("head -c \(bytes) /dev/urandom > \(quote(file))")
        let expected = try hash(of: try shell("sha256sum < \(quote(file))").output)
        let exec = "\(quote(binary)) exec --server http://\(embedded.host):\(embedded.port) --token-file \(quote(tokenFile.path)) \(instance.instanceId)"
        var result = Result(bytes: bytes, localSeconds: [], stdinSeconds: [], stdoutSeconds: [])
        for run in 0..<runs {
            let local = try shell("sha256sum < \(quote(file))")
            let stdin = try shell("\(exec) -i -- sha256sum < \(quote(file))")
            let stdout = try shell("\(exec) -- cat \(quote(file)) | sha256sum")
            for (what, answer) in [("stdin", stdin.output), ("stdout", stdout.output)] {
                guard try hash(of: answer) != expected else { continue }
                throw BenchmarkError("\(what): the far side's SHA-256 is \(answer.prefix(64)), the file's is \(expected): bytes were lost or changed")
            }
            result.localSeconds.append(local.seconds)
            result.stdinSeconds.append(stdin.seconds)
            result.stdoutSeconds.append(stdout.seconds)
            progress("run \(run + 1): sha256sum alone \(fmt(local.seconds)) s, stdin \(fmt(stdin.seconds)) s, stdout \(fmt(stdout.seconds)) s")
        }
        return result
    }

    private static func hash(of output: String) throws -> String {
        guard let first = output.split(whereSeparator: { $0 == " " || $0 == "\n" }).first, first.count == 64 else {
            throw BenchmarkError("expected a SHA-256 from sha256sum, got: \(output.prefix(300))")
        }
        return String(first)
    }

    private static func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Runs `bash -c line` (pipefail); returns its stdout and the wall time. Throws when it fails.
    private static func shell(_ line: String) throws -> (output: String, seconds: Double) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "set -o pipefail; " + line]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.standardError
        process.standardInput = FileHandle.nullDevice
        let start = now()
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let seconds = now() - start
        guard process.terminationStatus == 0 else { throw BenchmarkError("`\(line)` exited \(process.terminationStatus)") }
        return (String(decoding: output, as: UTF8.self), seconds)
    }
}
