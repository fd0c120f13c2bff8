import ArgumentParser
import Foundation
import LocalRuntime
import Platform

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the local serverless platform as a daemon (REST + exec API).")

    @Option(help: "Function spec file (YAML). Default: the built-in demo functions.") var config: String?
    @Option(help: "Address to listen on.") var listen: String = "127.0.0.1:\(ServerConnection.defaultPort)"
    @Option(help: "Token file; created (mode 0600, random) if missing. Default: the state directory's.") var tokenFile: String?
    @Option(help: "Instance isolation: auto, namespaces or process.") var isolation: IsolationChoice = .auto
    @Option(help: "Access keys for Function Compute's SDKs and porthole's fc backend: a file (mode 0600) of `ID SECRET` lines.")
    var accessKeys: String?
    @Option(help: "Cap on live instances across all functions (default: the spec's limits.maxInstances, else 200).")
    var maxInstances: Int?
    @Option(help: "Cap on instance starts per second (default: the spec's limits.startsPerSecond, else 20).")
    var startsPerSecond: Int?

    func validate() throws {
        if let maxInstances, maxInstances < 1 { throw ValidationError("--max-instances must be at least 1") }
        if let startsPerSecond, startsPerSecond < 1 { throw ValidationError("--starts-per-second must be at least 1") }
    }

    func run() async throws {
        let state = StateDirectory.standard()
        do {
            let specFile = try SpecLoader.loadFile(
                config.map { URL(fileURLWithPath: $0) } ?? DemoFunctions.specFile,
                maxInstances: maxInstances, startsPerSecond: startsPerSecond)
            let specs = specFile.functions
            let tokenURL = tokenFile.map { URL(fileURLWithPath: $0) } ?? state.tokenFile
            let token = try AccessToken.loadOrCreate(at: tokenURL)
            let (host, port) = try ServerConnection.parse(listen)
            let keys = try accessKeys.map { try AccessKeys.load(from: URL(fileURLWithPath: $0)) }
            var options = LocalPlatform.Options(isolation: isolation.value, stateDirectory: state)
            options.limits = specFile.limits
            let platform = try LocalPlatform(specs: specs, options: options)
            let server = APIServer(platform: platform, token: token, accessKeys: keys, serviceName: specFile.service)
            let bound = try await server.start(host: host, port: port)
            platform.start()
            let url = "http://\(bound.host):\(bound.port)"
            let record = ServerRecord(url: url, tokenFile: tokenURL.path, pid: getpid())
            try JSONEncoder().encode(record).write(to: state.serverRecordFile)
            print("porthole serve: listening on \(url), \(specs.count) functions, isolation \(platform.isolation.rawValue)")
            print("token: \(tokenURL.path) · audit log: \(state.auditLog.path) · Ctrl-C stops every instance")
            if let keys { print("access keys: \(keys.keys.count) · FC 2.0 service: \(specFile.service)") }
            fflush(nil)  // every stdio stream (reading the `stdout` global is not concurrency-safe)
            await waitForTerminationSignal()
            print("porthole serve: stopping instances…")
            platform.shutdown()
            await server.stop()
            try? FileManager.default.removeItem(at: state.serverRecordFile)
        } catch {
            throw failure(error)
        }
    }
}

enum IsolationChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, namespaces, process

    var value: Isolation? {
        switch self {
        case .auto: return nil
        case .namespaces: return .namespaces
        case .process: return .process
        }
    }
}

/// Suspends until SIGINT or SIGTERM arrives.
func waitForTerminationSignal() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let resumed = ResumeOnce(continuation)
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { resumed.resume() }
            source.resume()
            SignalSources.keep(source)
        }
    }
}

/// Keeps signal sources alive for the life of the process.
enum SignalSources {
    // nonisolated(unsafe): read and written only in `keep`, while `lock` is held.
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    private static let lock = NSLock()

    static func keep(_ source: DispatchSourceSignal) {
        lock.lock()
        sources.append(source)
        lock.unlock()
    }
}

/// Resumes a continuation at most once, whichever signal comes first.
///
/// `@unchecked Sendable`: `continuation`, its only mutable state, is read and
/// cleared only while `lock` is held.
final class ResumeOnce: @unchecked Sendable {
    private var continuation: CheckedContinuation<Void, Never>?
    private let lock = NSLock()

    init(_ continuation: CheckedContinuation<Void, Never>) {
        self.continuation = continuation
    }

    func resume() {
        lock.lock()
        let c = continuation
        continuation = nil
        lock.unlock()
        c?.resume()
    }
}
