import Foundation
import LocalRuntime
import Platform

/// The local platform the exec and copy benchmarks measure against: its state
/// under the temporary directory, a 0600 token file for the CLI, and a running
/// instance of `hello`. The caller ends it with `stop()`.
struct BenchPlatform {
    let embedded: EmbeddedPlatform
    let instance: Instance
    let tokenFile: URL

    /// Starts the platform with its state in `$TMPDIR/STEM-PID` and waits (up to
    /// 10 s) for an instance of `hello` to run.
    static func start(stem: String) async throws -> BenchPlatform {
        let state = StateDirectory(url: FileManager.default.temporaryDirectory.appendingPathComponent("\(stem)-\(getpid())"))
        let embedded = try await EmbeddedPlatform.start(options: LocalPlatform.Options(stateDirectory: state))
        do {
            let tokenFile = state.url.appendingPathComponent("bench-token")
            try writeTokenFile(embedded.token.value, to: tokenFile)
            var instance: Instance?
            for _ in 0..<200 where instance == nil {
                instance = try await embedded.backend().listInstances(function: "hello").first { $0.status == .running }
                if instance == nil { try await Task.sleep(nanoseconds: 50_000_000) }
            }
            guard let instance else { throw BenchmarkError("no running instance of hello") }
            return BenchPlatform(embedded: embedded, instance: instance, tokenFile: tokenFile)
        } catch {
            embedded.platform.shutdown()
            try? FileManager.default.removeItem(at: state.url)
            throw error
        }
    }

    /// Shuts the platform down and removes its state (audit log, logs, the token file).
    func stop() {
        embedded.platform.shutdown()
        try? FileManager.default.removeItem(at: tokenFile.deletingLastPathComponent())
    }
}
