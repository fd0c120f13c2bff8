import ArgumentParser
import Foundation

@main
struct Porthole: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "porthole",
        abstract: "A terminal console for serverless functions: live instances, and shells inside them, side by side.",
        discussion: "With no subcommand, opens the console on the embedded local platform (or --context / --server).",
        subcommands: [ServeCommand.self, FunctionsCommand.self, InstancesCommand.self, ExecCommand.self, InvokeCommand.self])

    func run() async throws {
        throw CleanExit.helpRequest(self)
    }
}
