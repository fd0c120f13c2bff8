import ArgumentParser
import Foundation
import KubernetesBackend
import Platform

struct FunctionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "functions", abstract: "List the platform's functions.")

    @OptionGroup var server: ServerOptions
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    func run() async throws {
        let functions: [Function]
        let backend: any PlatformBackend
        do {
            backend = try server.backend()
            do {
                functions = try await backend.listFunctions()
            } catch {
                await closing(backend)
                throw error
            }
            await closing(backend)
        } catch {
            throw failure(error)
        }
        if output == .json { return try printJSON(["functions": functions]) }
        if backend is KubernetesBackend {
            // A cluster has no runtime, provisioning or invocation counts to show: its own columns.
            // Concurrency where the platform states it (Knative's containerConcurrency, 0 = unlimited).
            var table = TextTable(header: ["NAME", "KIND", "INSTANCES", "CONCURRENCY"])
            for f in functions {
                let concurrency = f.instanceConcurrency.map { $0 == 0 ? "unlimited" : String($0) } ?? "—"
                table.rows.append([f.functionName, f.description ?? f.runtime, String(f.liveInstances ?? 0), concurrency])
            }
            return print(table.render(), terminator: "")
        }
        var table = TextTable(header: ["NAME", "RUNTIME", "INSTANCES", "ACTIVE", "CONCURRENCY", "PROVISIONED", "MEMORY", "INVOCATIONS"])
        for f in functions {
            table.rows.append([
                f.functionName, f.runtime, String(f.liveInstances ?? 0), String(f.activeRequests ?? 0),
                String(f.instanceConcurrency ?? 1), String(f.provisioned ?? 0), "\(f.memorySize ?? 0)M", String(f.invocations ?? 0),
            ])
        }
        print(table.render(), terminator: "")
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
