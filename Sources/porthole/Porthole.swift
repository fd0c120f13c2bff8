import ArgumentParser
import Console
import Foundation
import KubernetesBackend
import LocalRuntime
import Platform

@main
struct Porthole: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "porthole",
        abstract: "A terminal console for serverless functions: live instances, and shells inside them, side by side.",
        discussion: "With no subcommand, opens the console (`porthole console --help` lists its options).",
        subcommands: [
            ConsoleCommand.self, ServeCommand.self, FunctionsCommand.self, InstancesCommand.self, ExecCommand.self,
            InvokeCommand.self, PlayCommand.self, CopyCommand.self, LogsCommand.self,
        ],
        defaultSubcommand: ConsoleCommand.self)
}

struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "The full-screen console (the default).",
        discussion: """
            Opens on a context (--context, or current-context in ~/.config/porthole/config.yaml), on a \
            `porthole serve` (--server), or else on the embedded local platform with the demo functions \
            (or --config FILE), which stops every instance it started when the console exits.
            """)

    @Option(help: "A context from ~/.config/porthole/config.yaml.") var context: String?
    @Option(help: "Connect to a running `porthole serve` at this URL.") var server: String?
    @Option(help: "Token file for --server.") var tokenFile: String?
    @Option(help: "Function specs for the embedded platform (default: the demo functions).") var config: String?
    @Option(help: "Theme name (dark, light, high-contrast, solarized) or a theme file.") var theme: String?
    @Option(help: "Seconds between instance table refreshes.") var refresh: Double?
    @Option(help: "Prefix key that reaches the console from a pane, tmux notation (C-a, C-b…).") var prefix: String?
    @Option(help: "Embedded platform isolation: auto, namespaces or process.") var isolation: IsolationChoice = .auto
    @Option(help: "Close a pane's session after this many seconds with no data (0: never; config: session-idle-timeout).") var idleTimeout: Int?
    @OptionGroup var kubernetes: KubernetesOptions

    @OptionGroup var functionCompute: FunctionComputeOptions

    func run() async throws {
        do {
            let settings = try ContextConfig.load()
            var options = ConsoleOptions(
                themeName: theme ?? settings.theme ?? "dark", refreshInterval: refresh ?? settings.refreshSeconds ?? 2,
                prefixKey: prefix ?? settings.prefixKey ?? "C-a", keys: settings.keys)
            options.noColor = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
            options.allowProgramClipboard = settings.allowProgramClipboard
            let idle = idleTimeout ?? settings.sessionIdleTimeout ?? 0
            options.sessionIdleTimeout = idle > 0 ? idle : nil
            if let cluster = kubernetes.settings {
                let backend = try KubernetesBackend(settings: cluster)
                try await runOnUIThread(ConsoleApp(backend: backend, options: options))
                await backend.shutdown()
            } else if let fc = try functionCompute.backend() {
                options.contextName = fc.displayName
                try await runOnUIThread(ConsoleApp(backend: fc, options: options))
            } else if let name = context ?? (server == nil ? settings.currentContext : nil) {
                let backend = try BackendChoice.context(name, in: settings)
                options.contextName = name
                try await runOnUIThread(ConsoleApp(backend: backend, options: options))
                await closing(backend)
            } else if server != nil {
                let backend = try PortholeServerBackend(connection: ServerConnection.resolve(server: server, tokenFile: tokenFile))
                try await runOnUIThread(ConsoleApp(backend: backend, options: options))
            } else {
                let specFile = try config.map { try SpecLoader.loadFile(URL(fileURLWithPath: $0)) }
                var platformOptions = LocalPlatform.Options(isolation: isolation.value)
                platformOptions.limits = specFile?.limits ?? PlatformLimits()
                let embedded = try await EmbeddedPlatform.start(specs: specFile?.functions, options: platformOptions)
                options.contextName = "local (embedded)"
                do {
                    try await runOnUIThread(ConsoleApp(backend: embedded.backend(), options: options))
                } catch {
                    await embedded.shutdown()
                    throw error
                }
                // Every instance the console started goes with it.
                await embedded.shutdown()
            }
        } catch let error as ExitCode {
            throw error
        } catch {
            throw failure(error)
        }
    }
}

/// Runs the console on a thread of its own: it blocks in poll() for its whole
/// life, and must neither hold one of the few cooperative-pool threads the
/// embedded platform's tasks need nor live on a pool thread's small stack.
func runOnUIThread(_ app: ConsoleApp) async throws {
    let box = UnsafeTransfer(app)
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
        let thread = Thread {
            do {
                try box.value.run()
                continuation.resume()
            } catch {
                continuation.resume(throwing: error)
            }
        }
        thread.name = "porthole-ui"
        thread.stackSize = 16 << 20
        thread.start()
    }
}

/// Hands a non-Sendable value to exactly one other thread.
///
/// `@unchecked Sendable`: safe only as used here, where the sender never
/// touches the value again after handing it over, so one thread at a time
/// owns it.
struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
