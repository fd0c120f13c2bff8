import Foundation
import LocalRuntime
import Platform
import ProcessHarness

/// Issue 12's figure: a 256 MiB download by `porthole cp` (tar stream, SHA-256
/// on both sides, temp file and rename) against `porthole exec -- cat FILE >
/// local` in the same run, both the real CLI as subprocesses writing to local
/// files. Ratio = exec time / cp time (goal ≥ 0.9).
enum CopyBenchmark {
    struct Result {
        var bytes: Int
        var execSeconds: [Double]
        var copySeconds: [Double]
        /// CPU time the whole machine spent (all cores, every process) during each run:
        /// with the instance, the server and the client on the same cores, a run can
        /// end no sooner than this divided by the number of cores.
        var execCPUSeconds: [Double]
        var copyCPUSeconds: [Double]
        var ratio: Double { Statistics.median(execSeconds) / Statistics.median(copySeconds) }
        /// The best ratio these CPU figures allow on `cores` cores, if cp kept every core busy.
        func ceiling(cores: Int) -> Double {
            let copyFloor = max(Statistics.median(copyCPUSeconds) / Double(cores), Statistics.median(execSeconds))
            return Statistics.median(execSeconds) / copyFloor
        }
    }

    static func run(embedded: EmbeddedPlatform, instance: Instance, tokenFile: URL, megabytes: Int, runs: Int) throws -> Result {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("porthole")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw BenchmarkError("\(binary.path) not found: build it first (swift build -c release --product porthole)")
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-cp-bench-\(getpid())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        // The instance shares this machine's filesystem (local platform), so the source is written here.
        let source = work.appendingPathComponent("source.bin")
        let bytes = megabytes << 20
        try writeRandom(to: source, bytes: bytes)
        let server = ["--server", "http://\(embedded.host):\(embedded.port)", "--token-file", tokenFile.path]
        var execTimes: [Double] = [], execCPU: [Double] = []
        var copyTimes: [Double] = [], copyCPU: [Double] = []
        for index in 0..<runs {
            let byExec = work.appendingPathComponent("exec-\(index).bin")
            let byCopy = work.appendingPathComponent("cp-\(index).bin")
            var busy = MachineLoad.busySeconds()
            execTimes.append(try time(binary, ["exec"] + server + [instance.instanceId, "--", "cat", source.path], stdout: byExec))
            execCPU.append(MachineLoad.busySeconds() - busy)
            busy = MachineLoad.busySeconds()
            copyTimes.append(try time(binary, ["cp", "-q"] + server + ["\(instance.instanceId):\(source.path)", byCopy.path], stdout: nil))
            copyCPU.append(MachineLoad.busySeconds() - busy)
            for copy in [byExec, byCopy] {
                let size = (try? FileManager.default.attributesOfItem(atPath: copy.path)[.size] as? Int) ?? -1
                guard size == bytes else { throw BenchmarkError("\(copy.lastPathComponent) has \(size) bytes, not \(bytes)") }
                try? FileManager.default.removeItem(at: copy)
            }
        }
        return Result(bytes: bytes, execSeconds: execTimes, copySeconds: copyTimes, execCPUSeconds: execCPU, copyCPUSeconds: copyCPU)
    }

    private static func time(_ binary: URL, _ arguments: [String], stdout: URL?) throws -> Double {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        if let stdout {
            FileManager.default.createFile(atPath: stdout.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: stdout)
        } else {
            process.standardOutput = FileHandle.nullDevice
        }
        process.standardError = FileHandle.standardError
        let start = now()
        try process.run()
        process.waitUntilExit()
        let seconds = now() - start
        guard process.terminationStatus == 0 else {
            throw BenchmarkError("porthole \(arguments[0]) exited \(process.terminationStatus)")
        }
        return seconds
    }

    private static func writeRandom(to url: URL, bytes: Int) throws {
        let random = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/dev/urandom"))
        defer { try? random.close() }
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let out = try FileHandle(forWritingTo: url)
        defer { try? out.close() }
        var left = bytes
        while left > 0, let chunk = try random.read(upToCount: min(left, 8 << 20)), !chunk.isEmpty {
            try out.write(contentsOf: chunk)
            left -= chunk.count
        }
    }

    /// The 1-minute load average, for reading a figure measured on a shared machine.
    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "unknown"
    }
}

func runCopyBenchmark() async throws {
    let bench = try await BenchPlatform.start(stem: "porthole-bench-cp")
    let (embedded, instance, tokenFile) = (bench.embedded, bench.instance, bench.tokenFile)
    defer { bench.stop() }
    let megabytes = quick ? 64 : 256
    let runs = quick ? 1 : 3
    let loadBefore = CopyBenchmark.loadAverage()
    let result = try CopyBenchmark.run(embedded: embedded, instance: instance, tokenFile: tokenFile, megabytes: megabytes, runs: runs)
    let mib = Double(result.bytes) / Double(1 << 20)
    let execMedian = Statistics.median(result.execSeconds)
    let copyMedian = Statistics.median(result.copySeconds)
    line("file download: \(megabytes) MiB, median of \(runs); load average \(loadBefore) before, \(CopyBenchmark.loadAverage()) after")
    line("  porthole exec -- cat > file (reference)  \(fmt(execMedian)) s  \(fmt(mib / execMedian, 1)) MiB/s")
    line("  porthole cp (SHA-256 both sides)        \(fmt(copyMedian)) s  \(fmt(mib / copyMedian, 1)) MiB/s")
    line("  ratio exec/cp                           \(fmt(result.ratio))  (goal ≥ 0.90)")
    // Every process here shares the machine's cores; the CPU the copy needs bounds what it can reach.
    let cores = ProcessInfo.processInfo.activeProcessorCount
    line("  CPU of the whole machine per run (every process: read it on a quiet machine), median  exec \(fmt(Statistics.median(result.execCPUSeconds))) s, cp \(fmt(Statistics.median(result.copyCPUSeconds))) s")
    line("  best ratio that CPU allows on \(cores) cores   \(fmt(result.ceiling(cores: cores)))  (cp no faster than its CPU / \(cores))")
}
