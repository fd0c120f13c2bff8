import ArgumentParser
import ExecCore
import Foundation
import Platform

/// `porthole exec --function FN -- CMD`: the command in every live instance of
/// FN at once, through `PlatformBackend` only, so it works on every backend.
/// Output lines carry their instance's id; a summary follows; the exit code is
/// 0 only when every instance exited 0.
struct FanOutExec {
    let function: String
    let command: [String]
    let json: Bool
    let idleTimeout: Int
    let server: ServerOptions

    /// Runs everything and returns the exit code to leave with.
    func run() async throws -> ExitCode {
        let backend: any PlatformBackend
        let targets: [Instance]
        do {
            backend = try server.backend()
            targets = try await backend.listInstances(function: function)
                .filter { $0.status.isLive }
                .sorted { $0.instanceId < $1.instanceId }
        } catch {
            throw failure(error)
        }
        guard !targets.isEmpty else {
            throw failure(FanOutError.noLiveInstances(function: function))
        }
        let environment = ProcessInfo.processInfo.environment
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        let printer = PrefixedLinePrinter(
            instanceIds: targets.map(\.instanceId),
            colorStdout: !noColor && isatty(1) == 1, colorStderr: !noColor && isatty(2) == 1)
        let results = await withTaskGroup(of: FanOutResult.self) { group in
            for target in targets {
                group.addTask { await runOne(on: target, backend: backend, printer: json ? nil : printer) }
            }
            var all: [FanOutResult] = []
            for await result in group { all.append(result) }
            return all.sorted { $0.instanceId < $1.instanceId }
        }
        let exitCode: Int32 = results.allSatisfy { $0.exitCode == 0 } ? 0 : 1
        if json {
            try printJSON(FanOutReport(function: function, command: command, exitCode: exitCode, instances: results))
        } else {
            FileHandle.standardError.write(Data(summary(results).utf8))
        }
        return ExitCode(exitCode)
    }

    private func runOne(on target: Instance, backend: any PlatformBackend, printer: PrefixedLinePrinter?) async -> FanOutResult {
        let started = ContinuousClock.now
        let output = InstanceOutput(instanceId: target.instanceId, printer: printer)
        let request = ExecRequest(
            functionName: target.functionName, instanceId: target.instanceId, command: command,
            stdin: false, stdout: true, stderr: true, tty: false, idleTimeout: idleTimeout)
        let end: ExecEnd
        do {
            let session = try await backend.openExec(request, handlers: output.handlers)
            end = await session.wait()
        } catch {
            // Released between the listing and the exec, or refused: that instance's result.
            end = .failed(reason: "NotStarted", message: "not started: \(error)")
        }
        output.finish()
        let elapsed = ContinuousClock.now - started
        return FanOutResult(
            instanceId: target.instanceId, end: end,
            durationSeconds: elapsed.inSeconds,
            stdout: output.stdout, stderr: output.stderr)
    }

    /// One row per instance, and a count line.
    func summary(_ results: [FanOutResult]) -> String {
        var table = TextTable(header: ["INSTANCE", "RESULT", "DURATION"])
        for result in results {
            table.rows.append([result.instanceId, result.resultText, String(format: "%.2fs", result.durationSeconds)])
        }
        let failed = results.filter { $0.exitCode != 0 }.count
        let verdict = failed == 0
            ? "all \(results.count) instances of \(function) exited 0"
            : "\(failed) of \(results.count) instances of \(function) did not exit 0"
        return "\n" + table.render() + verdict + "\n"
    }
}
