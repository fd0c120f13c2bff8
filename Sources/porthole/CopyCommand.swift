import ArgumentParser
import FileTransfer
import Foundation
import Platform

struct CopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cp",
        abstract: "Copy files and directories between an instance and this machine, like `kubectl cp`.",
        discussion: """
            porthole cp c-1a2b3c4d5e6f:/tmp/tcpdump.cap .        # into this directory
            porthole cp c-1a2b3c4d5e6f:/var/log/app ./logs       # a directory
            porthole cp ./fix.conf c-1a2b3c4d5e6f:/tmp/          # upload
            porthole cp c-1a2b3c4d5e6f:/tmp/out.json - | jq .    # to stdout (a dir: tar)
            Uses tar in the instance when it has it, else sh and cat (single files). Checked with SHA-256 on \
            both sides; a copy lands under a temporary name and is renamed when complete.
            """)

    @OptionGroup var server: ServerOptions
    @Option(name: [.customShort("c"), .long], help: "The container, for instances with several (Kubernetes pods).")
    var container: String?
    @Flag(name: [.customShort("q"), .long], help: "No progress bar.") var quiet = false
    @Flag(help: "On failure keep what arrived as NAME.partial.") var keepPartial = false
    @Argument(help: "INSTANCE:PATH, a local path, or - (stdin).") var source: String
    @Argument(help: "A local path, INSTANCE:PATH, or - (stdout).") var destination: String

    func run() async throws {
        // A closed stdout pipe is an error to report, not a signal to die of.
        signal(SIGPIPE, SIG_IGN)
        let from: CopyOperand
        let to: CopyOperand
        let backend: any PlatformBackend
        do {
            from = try CopyOperand.parse(source)
            to = try CopyOperand.parse(destination)
            backend = try server.backend()
        } catch {
            throw failure(error)
        }
        let bar = !quiet && to != .standardStream && isatty(1) == 1 && isatty(2) == 1 ? TransferProgressBar() : nil
        var options = TransferOptions(container: container, keepPartial: keepPartial, progress: bar?.progress)
        options.onNote = { note in
            bar?.clear()
            FileHandle.standardError.write(Data("porthole: \(note)\n".utf8))
        }
        let copy = Task { [options] in try await FileTransfer.copy(from: from, to: to, backend: backend, options: options) }
        // Ctrl-C or SIGTERM: stop the copy, which then cleans up and says how far it got.
        var stops: [DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { copy.cancel() }
            source.resume()
            stops.append(source)
        }
        defer { stops.forEach { $0.cancel() } }
        do {
            let report = try await copy.value
            await closing(backend)
            bar?.finish(report)
        } catch {
            await closing(backend)
            bar?.clear()
            throw failure(error)
        }
    }
}
