import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// One connection's HTTP requests to the fake API server.
final class FakeAPIHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: FakeKubeAPIServer
    private var head: HTTPRequestHead?
    private var stream: WatchStream?
    private var logStream: FakeLogStream?

    init(server: FakeKubeAPIServer) {
        self.server = server
    }

    // MARK: Helpers shared with the upgrade path

    static func split(_ uri: String) -> (String, String) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri, "") }
        return (String(uri[..<mark]), String(uri[uri.index(after: mark)...]))
    }

    static func queryItems(_ query: String) -> [(String, String)] {
        query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// Who is asking: a valid bearer token's user, else a verified client certificate's CN.
    static func user(of channel: Channel, head: HTTPRequestHead, server: FakeKubeAPIServer) -> String? {
        if let header = head.headers.first(name: "Authorization"), header.hasPrefix("Bearer ") {
            let token = String(header.dropFirst(7))
            if server.options.expiredTokens.contains(token) { return nil }
            return server.options.tokens[token]
        }
        if let certificate = try? channel.pipeline.syncOperations.nioSSL_peerCertificate() {
            return certificate.subjectName.first { $0.type == .commonName }?.value
        }
        return nil
    }

    // MARK: Requests

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            handle(head, context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopWatch()
        logStream?.abandon()
        logStream = nil
        context.fireChannelInactive()
    }

    private func stopWatch() {
        stream?.end()
        stream = nil
    }

    private func handle(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        server.record("\(head.method.rawValue) \(head.uri)")
        let (path, query) = Self.split(head.uri)
        let items = Self.queryItems(query)
        func param(_ name: String) -> String? { items.last { $0.0 == name }?.1 }
        let user = Self.user(of: context.channel, head: head, server: server)

        if let decision = server.execDecision(head: head, user: user) {
            switch decision {
            case .refuse(let status, let body): return respond(context, status, body)
            case .run:
                // Not an upgrade (a SPDY POST from an old kubectl): this server speaks WebSocket only.
                return respond(context, .badRequest, FakeStatus.make(400, reason: "BadRequest", message: "Upgrade request required"))
            }
        }
        guard user != nil else {
            return respond(context, .unauthorized, FakeStatus.make(401, reason: "Unauthorized", message: "Unauthorized"))
        }
        let parts = path.split(separator: "/").map(String.init)
        let accept = head.headers["Accept"].joined(separator: ",")
        let wantsTable = accept.contains("as=Table")

        func route(_ pattern: String) -> Bool {
            let want = pattern.split(separator: "/").map(String.init)
            return want.count == parts.count && zip(want, parts).allSatisfy { $0 == "*" || $0 == $1 }
        }

        if route("version") {
            return respond(context, .ok, [
                "major": "1", "minor": "32", "gitVersion": "v1.32.0-fake", "platform": "linux/amd64",
                "goVersion": "go1.23.0", "compiler": "gc",
            ])
        } else if route("api") {
            return respond(context, .ok, [
                "kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:\(server.port)"]],
            ])
        } else if route("apis") {
            func group(_ name: String, _ version: String) -> JSONObject {
                let gv: JSONObject = ["groupVersion": "\(name)/\(version)", "version": version]
                return ["name": name, "versions": [gv], "preferredVersion": gv]
            }
            return respond(context, .ok, [
                "kind": "APIGroupList", "apiVersion": "v1",
                "groups": [group("apps", "v1"), group("metrics.k8s.io", "v1beta1")]
                    + (server.options.knative ? [group("serving.knative.dev", "v1")] : []),
            ])
        } else if route("api/v1") {
            return respond(context, .ok, resourceList("v1", [
                ("pods", "Pod", true, ["create", "delete", "get", "list", "patch", "update", "watch"], ["po"]),
                ("pods/exec", "PodExecOptions", true, ["create", "get"], []),
                ("pods/log", "Pod", true, ["get"], []),
                ("namespaces", "Namespace", false, ["get", "list"], ["ns"]),
            ]))
        } else if route("apis/apps/v1") {
            return respond(context, .ok, resourceList("apps/v1", [
                ("replicasets", "ReplicaSet", true, ["get", "list", "watch"], ["rs"]),
                ("deployments", "Deployment", true, ["get", "list", "watch"], ["deploy"]),
                ("statefulsets", "StatefulSet", true, ["get", "list", "watch"], ["sts"]),
            ]))
        } else if route("apis/serving.knative.dev/v1"), server.options.knative {
            return respond(context, .ok, resourceList("serving.knative.dev/v1", [
                ("services", "Service", true, ["get", "list", "watch"], ["kservice", "ksvc"]),
                ("revisions", "Revision", true, ["get", "list", "watch"], ["rev"]),
            ]))
        } else if route("apis/metrics.k8s.io/v1beta1") {
            return respond(context, .ok, resourceList("metrics.k8s.io/v1beta1", [("pods", "PodMetrics", true, ["get", "list"], [])]))
        } else if route("api/v1/pods") || route("api/v1/namespaces/*/pods") {
            let namespace = parts.count == 5 ? parts[3] : nil
            if param("watch") == "1" || param("watch") == "true" {
                return startWatch(context, namespace: namespace, version: param("resourceVersion"),
                                  bookmarks: param("allowWatchBookmarks") == "true", timeout: param("timeoutSeconds").flatMap(Int.init))
            }
            return listPods(context, namespace: namespace, limit: param("limit").flatMap(Int.init), token: param("continue"),
                            version: param("resourceVersion"), table: wantsTable)
        } else if route("api/v1/namespaces/*/pods/*/log") {
            server.record("ACCEPT \(accept)")
            return serveLog(context, namespace: parts[3], name: parts[5], items: items, user: user ?? "")
        } else if route("api/v1/namespaces/*/pods/*") {
            guard let pod = server.store.pod(parts[3], parts[5]) else {
                return respond(context, .notFound, FakeStatus.make(
                    404, reason: "NotFound", message: "pods \"\(parts[5])\" not found", details: ["name": parts[5], "kind": "pods"]))
            }
            if wantsTable { return respond(context, .ok, FakeTable.pods([pod], version: server.store.resourceVersion)) }
            var object = pod
            object["kind"] = "Pod"
            object["apiVersion"] = "v1"
            return respond(context, .ok, object)
        } else if route("apis/apps/v1/replicasets") || route("apis/apps/v1/namespaces/*/replicasets") {
            let namespace = parts.count == 6 ? parts[4] : nil
            return respond(context, .ok, [
                "kind": "ReplicaSetList", "apiVersion": "apps/v1",
                "metadata": ["resourceVersion": String(server.store.resourceVersion)],
                "items": server.store.listReplicaSets(namespace: namespace),
            ])
        } else if let (group, resource, kind) = Self.workloadRoute(parts), group == "apps/v1" || server.options.knative {
            let namespace = parts.count == 6 ? parts[4] : nil
            let stored = group == "apps/v1" ? resource : "\(resource).serving.knative.dev"
            // Built-in list items carry no kind; custom resources' (Knative) do.
            let items = server.store.list(stored, namespace: namespace).map { item -> JSONObject in
                guard group != "apps/v1" else { return item }
                var item = item
                item["kind"] = kind
                item["apiVersion"] = group
                return item
            }
            return respond(context, .ok, [
                "kind": "\(kind)List", "apiVersion": group,
                "metadata": ["resourceVersion": String(server.store.resourceVersion)], "items": items,
            ])
        } else if route("apis/metrics.k8s.io/v1beta1/pods") || route("apis/metrics.k8s.io/v1beta1/namespaces/*/pods") {
            guard server.store.hasMetrics else {
                // No metrics-server: the aggregated API is not available.
                return respond(context, .serviceUnavailable, FakeStatus.make(
                    503, reason: "ServiceUnavailable", message: "the server is currently unable to handle the request (get pods.metrics.k8s.io)"))
            }
            let namespace = parts.count == 6 ? parts[4] : nil
            // metrics-server ignores limit and continue; custom-resource style items carry kind.
            let items = server.store.listMetrics(namespace: namespace).map { item -> JSONObject in
                var item = item
                item["kind"] = "PodMetrics"
                item["apiVersion"] = "metrics.k8s.io/v1beta1"
                return item
            }
            return respond(context, .ok, ["kind": "PodMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": JSONObject(), "items": items])
        } else {
            return respond(context, .notFound, FakeStatus.make(
                404, reason: "NotFound", message: "the server could not find the requested resource"))
        }
    }

    /// `apis/GROUP/VERSION[/namespaces/NS]/RESOURCE` for the workload lists the
    /// fake serves: (group/version, resource, kind), or nil.
    static func workloadRoute(_ parts: [String]) -> (String, String, String)? {
        guard parts.count == 4 || (parts.count == 6 && parts[3] == "namespaces"), parts[0] == "apis" else { return nil }
        let group = "\(parts[1])/\(parts[2])", resource = parts[parts.count - 1]
        switch (group, resource) {
        case ("apps/v1", "deployments"): return (group, resource, "Deployment")
        case ("apps/v1", "statefulsets"): return (group, resource, "StatefulSet")
        case ("serving.knative.dev/v1", "services"): return (group, resource, "Service")
        case ("serving.knative.dev/v1", "revisions"): return (group, resource, "Revision")
        default: return nil
        }
    }

    private func resourceList(_ groupVersion: String, _ resources: [(String, String, Bool, [String], [String])]) -> JSONObject {
        [
            "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": groupVersion,
            "resources": resources.map { name, kind, namespaced, verbs, short -> JSONObject in
                var resource: JSONObject = [
                    "name": name, "singularName": name.contains("/") ? "" : String(name.dropLast()), "namespaced": namespaced,
                    "kind": kind, "verbs": verbs,
                ]
                if !short.isEmpty { resource["shortNames"] = short }
                return resource
            },
        ]
    }

    // MARK: Lists

    struct ContinueToken: Codable {
        var rv: Int
        var start: String
    }

    private func listPods(_ context: ChannelHandlerContext, namespace: String?, limit: Int?, token: String?, version: String?, table: Bool) {
        if token != nil, let version, !version.isEmpty {
            return respond(context, .badRequest, FakeStatus.make(
                400, reason: "BadRequest", message: "specifying resource version is not allowed when using continue"))
        }
        var (items, listVersion) = server.store.listPods(namespace: namespace)
        if let token {
            guard let data = Data(base64Encoded: token), let decoded = try? JSONDecoder().decode(ContinueToken.self, from: data) else {
                return respond(context, .badRequest, FakeStatus.make(400, reason: "BadRequest", message: "continue key is not valid: illegal base64 data"))
            }
            if server.store.isTooOld(decoded.rv) {
                return respond(context, .gone, FakeStatus.make(
                    410, reason: "Expired",
                    message: "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter."))
            }
            items = items.filter { FakeKubeStore.key($0) >= decoded.start }
            listVersion = decoded.rv
        }
        var next: String?
        if let limit, limit > 0, items.count > limit {
            let start = FakeKubeStore.key(items[limit])
            items = Array(items.prefix(limit))
            next = (try? JSONEncoder().encode(ContinueToken(rv: listVersion, start: start)))?.base64EncodedString()
        }
        if table {
            var answer = FakeTable.pods(items, version: listVersion)
            if let next { answer["metadata"] = ["resourceVersion": String(listVersion), "continue": next] }
            return respond(context, .ok, answer)
        }
        var metadata: JSONObject = ["resourceVersion": String(listVersion)]
        if let next {
            metadata["continue"] = next
            metadata["remainingItemCount"] = server.store.listPods(namespace: namespace).0.count - items.count
        }
        // Built-in list items carry no kind or apiVersion.
        respond(context, .ok, ["kind": "PodList", "apiVersion": "v1", "metadata": metadata, "items": items])
    }

    // MARK: Watch

    private func startWatch(_ context: ChannelHandlerContext, namespace: String?, version: String?, bookmarks: Bool, timeout: Int?) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Transfer-Encoding", value: "chunked")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        let stream = WatchStream(channel: context.channel, store: server.store, namespace: namespace)
        self.stream = stream
        let since = version.flatMap(Int.init) ?? 0
        let fromNow = version == nil || version == "0" || version == ""
        let startVersion = fromNow ? server.store.resourceVersion : since
        let loop = context.eventLoop
        guard let opened = server.store.watch(since: startVersion, listener: { change in
            loop.execute { stream.deliver(change) }
        }) else {
            stream.send("ERROR", FakeStatus.make(410, reason: "Expired", message: "too old resource version: \(since) (\(server.store.resourceVersion))"))
            stream.end()
            return
        }
        let (id, backlog) = opened
        stream.listener = id
        if fromNow {
            // No version: the current state as ADDED events first, as the API server does.
            for pod in server.store.listPods(namespace: namespace).0 { stream.send("ADDED", pod) }
        }
        for change in backlog { stream.deliver(change) }
        if bookmarks {
            let interval = TimeAmount.milliseconds(Int64(server.options.bookmarkInterval * 1000))
            stream.bookmarks = loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in stream.bookmark() }
        }
        if let timeout, timeout > 0 {
            stream.timer = loop.scheduleTask(in: .seconds(Int64(timeout))) { stream.end() }
        }
    }

    // MARK: Logs

    private func serveLog(_ context: ChannelHandlerContext, namespace: String, name: String, items: [(String, String)], user: String) {
        if server.options.logForbidden.contains(user) {
            return respond(context, .forbidden, FakeStatus.make(
                403, reason: "Forbidden",
                message: "pods \"\(name)\" is forbidden: User \"\(user)\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"\(namespace)\"",
                details: ["name": name, "kind": "pods"]))
        }
        let request: FakeLogRequest
        switch FakeLogRequest.parse(items, pod: name) {
        case .failure(let refusal): return respond(context, refusal.status, refusal.body)
        case .success(let parsed): request = parsed
        }
        guard let pod = server.store.pod(namespace, name) else {
            return respond(context, .notFound, FakeStatus.make(
                404, reason: "NotFound", message: "pods \"\(name)\" not found", details: ["name": name, "kind": "pods"]))
        }
        switch request.decide(pod: pod, name: name) {
        case .refuse(let status, let body):
            return respond(context, status, body)
        case .noContent:
            var headers = HTTPHeaders()
            headers.add(name: "Audit-Id", value: UUID().uuidString.lowercased())
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .noContent, headers: headers))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        case .serve(let container, let previous, let followable):
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "text/plain")
            headers.add(name: "Transfer-Encoding", value: "chunked")
            headers.add(name: "Audit-Id", value: UUID().uuidString.lowercased())
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            let logs = server.store.logs
            let stream = FakeLogStream(channel: context.channel, logs: logs, timestamps: request.timestamps, limitBytes: request.limitBytes)
            logStream = stream
            guard request.follow, followable, !previous else {
                stream.send(request.select(logs.lines(namespace, name, container, previous: previous) ?? []))
                return stream.end()
            }
            let loop = context.eventLoop
            // Events run after this function on the same loop: lines written meanwhile follow the first ones, in order.
            let (lines, id) = logs.follow(namespace, name, container) { event in loop.execute { stream.deliver(event) } }
            stream.follow = id
            stream.send(request.select(lines))
            if id == nil { stream.end() }
        }
    }

    // MARK: Responses

    private func respond(_ context: ChannelHandlerContext, _ status: HTTPResponseStatus, _ body: JSONObject?) {
        var headers = HTTPHeaders()
        var bytes: [UInt8] = []
        if let body {
            bytes = Array((try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data())
            headers.add(name: "Content-Type", value: "application/json")
        }
        headers.add(name: "Content-Length", value: String(bytes.count))
        headers.add(name: "Audit-Id", value: UUID().uuidString.lowercased())
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        if !bytes.isEmpty { context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: bytes)))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

/// One watch response: events as JSON lines, bookmarks, the end. Used only on
/// its channel's event loop.
final class WatchStream: @unchecked Sendable {
    let channel: Channel
    let store: FakeKubeStore
    let namespace: String?
    var listener: UUID?
    var bookmarks: RepeatedTask?
    var timer: Scheduled<Void>?
    private var ended = false

    init(channel: Channel, store: FakeKubeStore, namespace: String?) {
        self.channel = channel
        self.store = store
        self.namespace = namespace
    }

    func deliver(_ change: FakeKubeStore.Change) {
        if change.type == "ERROR" {
            send(change.type, change.object)
            end()
            return
        }
        guard namespace == nil || FakeKubeStore.namespace(of: change.object) == namespace else { return }
        send(change.type, change.object)
    }

    func bookmark() {
        send("BOOKMARK", [
            "kind": "Pod", "apiVersion": "v1",
            "metadata": ["resourceVersion": String(store.resourceVersion), "annotations": ["k8s.io/initial-events-end": "true"]],
        ])
    }

    func send(_ type: String, _ object: JSONObject) {
        guard !ended, let data = try? JSONSerialization.data(withJSONObject: ["type": type, "object": object]) else { return }
        var buffer = channel.allocator.buffer(capacity: data.count + 1)
        buffer.writeBytes(data)
        buffer.writeInteger(UInt8(ascii: "\n"))
        channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(buffer)), promise: nil)
    }

    func end() {
        guard !ended else { return }
        ended = true
        if let listener { store.stopWatching(listener) }
        bookmarks?.cancel()
        timer?.cancel()
        channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
    }
}
