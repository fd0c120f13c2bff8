import Foundation
import NIOConcurrencyHelpers

/// The pods of a namespace (or of all), kept current the way client-go's
/// informers do: one paged list (`resourceVersion=0`, `limit`/`continue`), then
/// a watch from the list's version with bookmarks; a watch that ends is
/// resumed from the last version seen, and a `410 Gone` (the version fell out
/// of the server's window) starts over with a list. So a console refresh of
/// 10,000 pods costs no request at all; only changes cross the network.
public final class PodCache: Sendable {
    public let client: KubeClient
    /// nil: every namespace.
    public let namespace: String?
    public let pageSize: Int
    /// How long the server keeps one watch open before we resume it.
    public let watchSeconds: Int

    struct State {
        var pods: [String: Pod] = [:]
        var resourceVersion: String?
        var synced = false
        var task: Task<Void, Never>?
        var lists = 0
        var pages = 0
        var watches = 0
        var events = 0
        var bookmarks = 0
        var gone = 0
        /// Bumped on every change, so readers can tell an unchanged table.
        var generation = 0
        /// Why the last list failed, for the next reader (who then lists again).
        var listError: Error?
    }
    private let state = NIOLockedValueBox(State())

    public init(client: KubeClient, namespace: String?, pageSize: Int = 500, watchSeconds: Int = 300) {
        self.client = client
        self.namespace = namespace
        self.pageSize = pageSize
        self.watchSeconds = watchSeconds
    }

    var podsPath: String {
        namespace.map { "/api/v1/namespaces/\(KubePath.escape($0))/pods" } ?? "/api/v1/pods"
    }

    var purpose: KubeClient.Purpose { .init(verb: "list", resource: "pods", namespace: namespace) }

    /// Counters for tests and the benchmark: lists, pages, watches opened, events, bookmarks, 410s.
    public var counters: (lists: Int, pages: Int, watches: Int, events: Int, bookmarks: Int, gone: Int) {
        state.withLockedValue { ($0.lists, $0.pages, $0.watches, $0.events, $0.bookmarks, $0.gone) }
    }

    /// The current pods. The first call lists (and reports its errors to the
    /// caller); later calls answer from memory while the watch runs.
    public func pods() async throws -> [Pod] {
        try await snapshot().pods
    }

    /// The current pods and the generation they belong to.
    ///
    /// The list runs in the cache's own task: a reader that gives up (the
    /// console's refresh deadline) does not cut it short, and the next reader
    /// waits for the same list. A big cluster's first list may take longer
    /// than one refresh; started over on every tick it would never finish.
    public func snapshot() async throws -> (pods: [Pod], generation: Int) {
        let (pods, generation) = try await snapshot(unlessGeneration: nil)
        return (pods ?? [], generation)
    }

    /// The pods, or nil when they are still those of `known` (a reader that
    /// kept what it built from them need not copy 10,000 pods again).
    public func snapshot(unlessGeneration known: Int?) async throws -> (pods: [Pod]?, generation: Int) {
        try await wait(copyingUnless: known, copy: true)
    }

    /// Waits for the first list (starting it), without copying the pods.
    public func sync() async throws {
        _ = try await wait(copyingUnless: nil, copy: false)
    }

    private func wait(copyingUnless known: Int?, copy: Bool) async throws -> (pods: [Pod]?, generation: Int) {
        enum Step { case ready([Pod]?, Int), failed(Error), wait }
        while true {
            let step: Step = state.withLockedValue { state in
                if state.synced {
                    return .ready(!copy || state.generation == known ? nil : Array(state.pods.values), state.generation)
                }
                if let error = state.listError {
                    state.listError = nil
                    return .failed(error)
                }
                if state.task == nil { state.task = Task { [weak self] in await self?.listThenWatch() } }
                return .wait
            }
            switch step {
            case .ready(let pods, let generation): return (pods, generation)
            case .failed(let error): throw error
            case .wait: try await Task.sleep(nanoseconds: 10_000_000)
            }
        }
    }

    private func listThenWatch() async {
        do {
            try await relist()
        } catch {
            state.withLockedValue { state in
                state.listError = error
                state.task = nil
            }
            return
        }
        await watchLoop()
    }

    /// Stops the watch.
    public func stop() {
        let task = state.withLockedValue { state -> Task<Void, Never>? in
            defer { state.task = nil; state.synced = false }
            return state.task
        }
        task?.cancel()
    }

    /// Lists every page and replaces the cache.
    func relist() async throws {
        var fresh: [String: Pod] = [:]
        var token: String?
        var version: String?
        var pages = 0
        repeat {
            // resourceVersion=0 on the first page lets the server answer from its watch
            // cache; a continue token carries its own version and must go alone.
            let query = token.map { "limit=\(pageSize)&continue=\(KubePath.escape($0))" } ?? "limit=\(pageSize)&resourceVersion=0"
            let page = try await client.get("\(podsPath)?\(query)", as: ObjectList<Pod>.self, purpose: purpose)
            for pod in page.items ?? [] { fresh[Self.key(pod)] = pod }
            version = page.metadata?.resourceVersion ?? version
            token = page.metadata?.continue.flatMap { $0.isEmpty ? nil : $0 }
            pages += 1
        } while token != nil
        state.withLockedValue { state in
            state.pods = fresh
            state.resourceVersion = version
            state.synced = true
            state.lists += 1
            state.pages += pages
            state.generation += 1
        }
    }

    static func key(_ pod: Pod) -> String { "\(pod.metadata.namespace ?? "")/\(pod.metadata.name ?? "")" }

    struct WatchGone: Error {}

    private func watchLoop() async {
        while !Task.isCancelled {
            let version = state.withLockedValue { $0.resourceVersion } ?? "0"
            let path = "\(podsPath)?watch=1&allowWatchBookmarks=true&resourceVersion=\(KubePath.escape(version))&timeoutSeconds=\(watchSeconds)"
            state.withLockedValue { $0.watches += 1 }
            do {
                try await client.watch(path, purpose: .init(verb: "watch", resource: "pods", namespace: namespace)) { [self] line in
                    try apply(line)
                }
            } catch is WatchGone {
                state.withLockedValue { $0.gone += 1 }
                do { try await relist() } catch { break }
            } catch {
                break
            }
        }
        // The next pods() lists again and reports whatever broke the watch.
        state.withLockedValue { state in
            state.synced = false
            state.task = nil
        }
    }

    /// Applies one watch event.
    func apply(_ line: [UInt8]) throws {
        struct Header: Decodable {
            struct Object: Decodable {
                var code: Int?
                var metadata: ListMeta?
            }
            var type: String
            var object: Object?
        }
        let data = Data(line)
        let header = try JSONDecoder().decode(Header.self, from: data)
        switch header.type {
        case "ERROR":
            if header.object?.code == 410 { throw WatchGone() }
            throw KubernetesError.badResponse("watch error: \(String(decoding: line.prefix(300), as: UTF8.self))")
        case "BOOKMARK":
            state.withLockedValue { state in
                state.bookmarks += 1
                if let version = header.object?.metadata?.resourceVersion { state.resourceVersion = version }
            }
        case "ADDED", "MODIFIED", "DELETED":
            let event = try JSONDecoder().decode(WatchEvent<Pod>.self, from: data)
            state.withLockedValue { state in
                state.events += 1
                state.generation += 1
                let key = Self.key(event.object)
                if header.type == "DELETED" { state.pods.removeValue(forKey: key) } else { state.pods[key] = event.object }
                if let version = event.object.metadata.resourceVersion { state.resourceVersion = version }
            }
        default:
            break
        }
    }
}

/// Escaping for path segments and query values.
enum KubePath {
    static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if unreserved.contains(byte) {
                out.unicodeScalars.append(UnicodeScalar(byte))
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
