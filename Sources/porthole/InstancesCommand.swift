import ArgumentParser
import Foundation
import KubernetesBackend
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
            let backend = try server.backend()
            if let cluster = backend as? KubernetesBackend, output == .table {
                return try await printPods(cluster)
            }
            do {
                instances = try await backend.listInstances(function: function)
            } catch {
                await closing(backend)
                throw error
            }
            await closing(backend)
        } catch let error as ExitCode {
            throw error
        } catch {
            throw failure(error)
        }
        if output == .json { return try printJSON(["instances": instances]) }
        var table = TextTable(header: ["FUNCTION", "ID", "STATUS", "QUALIFIER", "KIND", "AGE", "IDLE", "CPU%", "MEM", "REQ", "EXEC", "ISOLATION"])
        for i in instances {
            let m = i.metrics
            table.rows.append([
                i.functionName, i.instanceId, i.status.rawValue, i.qualifier.isEmpty ? "—" : i.qualifier,
                m?.kindText ?? "—",
                // Platforms without metrics (Function Compute) still tell when the instance started.
                m.map { Format.duration($0.uptimeSeconds) }
                    ?? (i.createdTimeMs > 0 ? Format.duration(Date().timeIntervalSince1970 - Double(i.createdTimeMs) / 1000) : "—"),
                m?.idleSeconds.map(Format.duration) ?? "—",
                m?.cpuPercent.map(Format.percent) ?? "—",
                m.map { "\(bytes($0.memoryBytes))/\(bytes($0.memoryLimitBytes))" } ?? "—",
                m?.requestsText ?? "—", m?.execSessionsText ?? "—",
                m?.isolation ?? "—",
            ])
        }
        print(table.render(), terminator: "")
    }

    private func bytes(_ value: Int64?) -> String { value.map(Format.bytes) ?? "—" }
}

extension InstancesCommand {
    /// Pods as an operator reads them, with CPU and memory against requests
    /// and limits as k9s shows them; `—` where a figure does not exist.
    func printPods(_ cluster: KubernetesBackend) async throws {
        let rows: [KubernetesBackend.PodRow]
        do {
            rows = try await cluster.podRows()
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
        var table = TextTable(header: [
            "FUNCTION", "KIND", "POD", "STATUS", "RESTARTS", "AGE", "NODE", "CPU", "%CPU/R", "%CPU/L", "MEM", "%MEM/R", "%MEM/L",
        ])
        func percent(_ value: Double?) -> String { value.map { String(format: "%.0f", $0) } ?? "—" }
        for row in rows {
            guard let identity = row.function else { continue }
            let functionName = cluster.namespace == nil ? "\(identity.namespace)/\(identity.name)" : identity.name
            if let function, function != functionName { continue }
            let r = row.reading
            let age = r.created.map { Format.duration(Date().timeIntervalSince($0)) } ?? "—"
            table.rows.append([
                functionName, identity.shortKind, (cluster.namespace == nil ? "\(row.pod.metadata.namespace ?? "")/" : "") + (row.pod.metadata.name ?? ""),
                r.status, String(r.restarts), age, r.node ?? "—",
                r.cpuMillicores.map { String(format: "%.0fm", $0) } ?? "—", percent(r.cpuPercentOfRequest), percent(r.cpuPercentOfLimit),
                r.memoryBytes.map { Format.bytes(Int64($0)) } ?? "—", percent(r.memoryPercentOfRequest), percent(r.memoryPercentOfLimit),
            ])
        }
        print(table.render(), terminator: "")
    }
}
