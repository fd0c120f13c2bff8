import ArgumentParser
import Foundation
import KubernetesBackend
import Platform

struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print an instance's output (stdout and stderr), like `kubectl logs`; -f follows it; --function prints every instance's.",
        discussion: """
            porthole logs c-1a2b3c4d5e6f              # all it printed so far
            porthole logs -f --tail 20 c-1a2b3c4d5e6f # last 20 lines, then follow
            porthole logs -f c-1a2b3c4d5e6f | grep ERROR
            porthole logs -f --function hello         # every instance of hello

            The local platform keeps the logs of live instances and of the newest ended ones per function.

            With --function: each line behind its instance's id, written whole (instances never mix inside \
            a line); --tail counts per instance. With -f, instances that start are picked up (listed every \
            2 s) and read from their first line; stderr says `+ ID` when a log is joined and `- ID (ended)` \
            when it ends; porthole runs until Ctrl-C or until the reader of a pipe goes, as stern does. \
            Without -f it exits 1 if any instance's log could not be read; a function with no live instance \
            prints a note and exits 0, as `kubectl logs -l` does.
            """)

    @OptionGroup var server: ServerOptions
    @Flag(name: [.customShort("f"), .long], help: "Keep printing new output until the instance ends (Ctrl-C stops).") var follow = false
    @Option(name: .customLong("tail"), parsing: .unconditional, help: "Only the last N lines already written (-1: all).") var tail: Int = -1
    @Option(name: [.customShort("c"), .long], help: "Kubernetes: the container (default: the pod's default container).")
    var container: String?
    @Flag(name: [.customShort("p"), .long], help: "Kubernetes: the previous run of a restarted container.") var previous = false
    @Option(help: "Every live instance of this function at once (instead of INSTANCE), each line behind its id.")
    var function: String?
    @Argument(help: "The instance id (c-…; a pod name on Kubernetes); its function is found for you.") var instance: String?

    func validate() throws {
        if tail < -1 { throw ValidationError("--tail \(tail) is not a number of lines: give 0 or more, or -1 for all") }
        if function != nil && instance != nil {
            throw ValidationError("give either an INSTANCE or --function FUNCTION, not both")
        }
        if function == nil && instance == nil {
            throw ValidationError("give an INSTANCE id (`porthole instances` lists them), or --function FUNCTION for every live instance of FUNCTION")
        }
    }

    func run() async throws {
        // A closed pipe shows up as a failed write (then we stop), not as a signal that kills us mid-line.
        signal(SIGPIPE, SIG_IGN)
        if let function {
            throw try await FanOutLogs(function: function, follow: follow, tailLines: tail >= 0 ? tail : nil,
                                       container: container, previous: previous, server: server).run()
        }
        let backend: any PlatformBackend
        let stream: LogStream
        do {
            backend = try server.backend()
            do {
                stream = try await open(on: backend)
            } catch {
                await closing(backend)
                throw error
            }
        } catch {
            throw failure(error)
        }
        let printing = Task {
            for try await chunk in stream {
                // Straight to the descriptor: nothing waits in a buffer while following.
                guard writeAll(1, chunk) else { return }
            }
        }
        // `logs -f | head` must end when head does, even if the log is quiet.
        let watch = StdoutWatch.start { printing.cancel() }
        defer { watch?.stop() }
        do {
            try await printing.value
        } catch is CancellationError {
        } catch {
            await closing(backend)
            throw failure(error)
        }
        await closing(backend)
    }

    private func request(function: String) -> LogRequest {
        LogRequest(function: function, instanceId: instance ?? "", container: container, follow: follow,
                   tailLines: tail >= 0 ? tail : nil, previous: previous)
    }

    /// Finds the instance's function, then opens its log.
    private func open(on backend: any PlatformBackend) async throws -> LogStream {
        // Any pod, not only a function's: the API server says whether it exists.
        if backend is KubernetesBackend { return try await backend.streamLogs(request(function: "")) }
        let function: String
        do {
            function = try await backend.findInstance(id: instance ?? "").functionName
        } catch PlatformError.notFound(let code, let message) {
            // An ended instance leaves the list after a while but its log is kept
            // for longer: ask each function for it.
            for candidate in try await backend.listFunctions() {
                do {
                    return try await backend.streamLogs(request(function: candidate.functionName))
                } catch PlatformError.notFound(let code, _) where code == "InstanceNotFound" {
                    continue
                }
            }
            throw PlatformError.notFound(code: code, message: message)
        }
        return try await backend.streamLogs(request(function: function))
    }
}
