import ArgumentParser
import Foundation
import Platform

struct InvokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoke", abstract: "Invoke a function once; print its answer and which instance served it.")

    @OptionGroup var server: ServerOptions
    @Option(name: .shortAndLong, help: "Request body.") var data: String = ""
    @Argument(help: "The function to invoke.") var function: String

    func run() async throws {
        let invocation: Invocation
        do {
            invocation = try await server.backend().invoke(function: function, body: Array(data.utf8))
        } catch {
            throw failure(error)
        }
        FileHandle.standardOutput.write(Data(invocation.body))
        let served = invocation.instanceId ?? "unknown instance"
        FileHandle.standardError.write(Data("(HTTP \(invocation.status), served by \(served))\n".utf8))
        if invocation.status >= 400 { throw ExitCode(1) }
    }
}
