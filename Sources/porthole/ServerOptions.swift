import ArgumentParser
import Foundation
import KubernetesBackend
import Platform

/// How a client subcommand finds the server: flags, then environment, then
/// what `porthole serve` recorded in the state directory.
struct ServerOptions: ParsableArguments {
    @Option(name: .long, help: "Server URL (default: $PORTHOLE_SERVER, else the address `porthole serve` recorded).")
    var server: String?

    @Option(name: .long, help: "File holding the bearer token (default: $PORTHOLE_TOKEN_FILE, else the state directory's).")
    var tokenFile: String?

    @Option(help: "A context from ~/.config/porthole/config.yaml.") var context: String?

    @OptionGroup var kubernetes: KubernetesOptions

    @OptionGroup var functionCompute: FunctionComputeOptions

    /// The backend the flags name: a cluster (Kubernetes flags), Function
    /// Compute (`--fc-region`), a context, else a porthole server.
    func backend() throws -> any PlatformBackend {
        if let settings = kubernetes.settings { return try KubernetesBackend(settings: settings) }
        if let fc = try functionCompute.backend() { return fc }
        if let context { return try BackendChoice.context(context, in: ContextConfig.load()) }
        let connection = try ServerConnection.resolve(server: server, tokenFile: tokenFile)
        return try PortholeServerBackend(connection: connection)
    }
}

/// Prints a user-facing error and exits non-zero, instead of a stack of types.
func failure(_ error: Error) -> ExitCode {
    let message: String
    switch error {
    case let error as CustomStringConvertible: message = error.description
    default: message = "\(error)"
    }
    FileHandle.standardError.write(Data("porthole: \(message)\n".utf8))
    return ExitCode(1)
}
