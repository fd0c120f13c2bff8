import ArgumentParser
import Foundation
import Platform

struct InstancesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instances", abstract: "List instances with live metrics, of one function or of all.")

    @OptionGroup var server: ServerOptions
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table
    @Argument(help: "Only this function's instances.") var function: String?

    func run() async throws {
        let instances: [Instance]
        do {
            instances = try await server.backend().listInstances(function: function)
        } catch {
            throw failure(error)
        }
        if output == .json { return try printJSON(["instances": instances]) }
        var table = TextTable(header: ["FUNCTION", "ID", "STATUS", "QUALIFIER", "KIND", "AGE", "IDLE", "CPU%", "MEM", "REQ", "EXEC", "ISOLATION"])
        for i in instances {
            let m = i.metrics
            table.rows.append([
                i.functionName, i.instanceId, i.status.rawValue, i.qualifier.isEmpty ? "—" : i.qualifier,
                m.map { $0.provisioned ? "prov" : "ond" } ?? "—",
                // Platforms without metrics (Function Compute) still tell when the instance started.
                m.map { Format.duration($0.uptimeSeconds) }
                    ?? (i.createdTimeMs > 0 ? Format.duration(Date().timeIntervalSince1970 - Double(i.createdTimeMs) / 1000) : "—"),
                m.map { Format.duration($0.idleSeconds) } ?? "—",
                m?.cpuPercent.map(Format.percent) ?? "—",
                m.map { "\(bytes($0.memoryBytes))/\(bytes($0.memoryLimitBytes))" } ?? "—",
                m.map { "\($0.activeRequests)/\($0.instanceConcurrency)" } ?? "—", m.map { String($0.execSessions) } ?? "—",
                m?.isolation ?? "—",
            ])
        }
        print(table.render(), terminator: "")
    }

    private func bytes(_ value: Int64?) -> String { value.map(Format.bytes) ?? "—" }
}
