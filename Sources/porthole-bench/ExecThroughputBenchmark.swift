import Foundation
import LocalRuntime
import Platform

/// Issue 2's first figure: `seq` output through `porthole exec -t` (the real CLI,
/// a subprocess, output to /dev/null) against the same command read from a local
/// pty, measured in the same run. Ratio = pty time / porthole time (≥ 0.9 is the goal).
enum ExecThroughputBenchmark {
    struct Result {
        var bytes: Int
        var ptySeconds: [Double]
        var portholeSeconds: [Double]
        var portholePeakRSSMiB: Double

        var ratio: Double { Statistics.median(ptySeconds) / Statistics.median(portholeSeconds) }
    }

    static func run(embedded: EmbeddedPlatform, instance: Instance, tokenFile: URL, lines: Int, runs: Int) throws -> Result {
        let command = ["seq", "1", String(lines)]
        var ptyTimes: [Double] = []
        var portholeTimes: [Double] = []
        var bytes = 0
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("porthole")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw BenchmarkError("\(binary.path) not found: build it first (swift build -c release --product porthole)")
        }
        for _ in 0..<runs {
            let reference = LocalPTY.drain(command)
            bytes = reference.bytes
            ptyTimes.append(reference.seconds)

            let process = Process()
            process.executableURL = binary
            process.arguments = ["exec", "-t", "--server", "http://\(embedded.host):\(embedded.port)", "--token-file", tokenFile.path,
                                 instance.instanceId, "--"] + command
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.standardError
            let start = now()
            try process.run()
            process.waitUntilExit()
            portholeTimes.append(now() - start)
            guard process.terminationStatus == 0 else { throw BenchmarkError("porthole exec exited \(process.terminationStatus)") }
        }
        return Result(bytes: bytes, ptySeconds: ptyTimes, portholeSeconds: portholeTimes, portholePeakRSSMiB: childrenPeakRSSMiB())
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
