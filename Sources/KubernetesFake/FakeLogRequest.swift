import Foundation
import NIOHTTP1

/// A `GET /api/v1/namespaces/NS/pods/NAME/log` decided as kube-apiserver 1.32
/// and the pod's kubelet decide it (docs/PROTOCOL.md §5): RBAC on `pods/log`,
/// option validation, the pod, the container (the server does not apply the
/// default-container annotation), no node → 204, then the kubelet's checks of
/// the container's state, whose refusals reach the client as 400 BadRequest.
struct FakeLogRequest {
    enum Decision {
        case refuse(HTTPResponseStatus, JSONObject)
        /// The pod has no node: the API server streams nothing (204 No Content).
        case noContent
        /// Serve `container`'s current run (or its previous one); `followable`: the run is still going.
        case serve(container: String, previous: Bool, followable: Bool)
    }

    var follow = false
    var previous = false
    var timestamps = false
    var tailLines: Int?
    var limitBytes: Int?
    var sinceSeconds: Int?
    var sinceTime: Date?
    var container: String?

    /// Parses the query, or the refusal when a value is not what the API accepts.
    static func parse(_ items: [(String, String)], pod name: String) -> Result<FakeLogRequest, FakeLogRefusal> {
        var request = FakeLogRequest()
        var invalid: [String] = []
        func bool(_ value: String) throws -> Bool {
            // Go's strconv.ParseBool, which the query decoding uses.
            switch value {
            case "1", "t", "T", "TRUE", "true", "True": return true
            case "0", "f", "F", "FALSE", "false", "False": return false
            default: throw FakeLogRefusal(.badRequest, FakeStatus.make(400, reason: "BadRequest", message: "strconv.ParseBool: parsing \"\(value)\": invalid syntax"))
            }
        }
        func int(_ value: String) throws -> Int {
            guard let number = Int(value) else {
                throw FakeLogRefusal(.badRequest, FakeStatus.make(400, reason: "BadRequest", message: "strconv.ParseInt: parsing \"\(value)\": invalid syntax"))
            }
            return number
        }
        do {
            for (key, value) in items {
                switch key {
                case "container": request.container = value.isEmpty ? nil : value
                case "follow": request.follow = try bool(value)
                case "previous": request.previous = try bool(value)
                case "timestamps": request.timestamps = try bool(value)
                case "tailLines": request.tailLines = try int(value)
                case "limitBytes": request.limitBytes = try int(value)
                case "sinceSeconds": request.sinceSeconds = try int(value)
                case "sinceTime":
                    guard let time = ISO8601DateFormatter().date(from: value) else {
                        throw FakeLogRefusal(.badRequest, FakeStatus.make(400, reason: "BadRequest", message: "parsing time \"\(value)\" as RFC3339: cannot parse"))
                    }
                    request.sinceTime = time
                default: break  // insecureSkipTLSVerifyBackend, stream, pretty: accepted, no effect here
                }
            }
        } catch let refusal as FakeLogRefusal {
            return .failure(refusal)
        } catch {
            return .failure(FakeLogRefusal(.badRequest, FakeStatus.make(400, reason: "BadRequest", message: "\(error)")))
        }
        // ValidatePodLogOptions' rules, in its words.
        if let tail = request.tailLines, tail < 0 { invalid.append("tailLines: Invalid value: \(tail): must be greater than or equal to 0") }
        if let limit = request.limitBytes, limit < 1 { invalid.append("limitBytes: Invalid value: \(limit): must be greater than 0") }
        if request.sinceSeconds != nil, request.sinceTime != nil { invalid.append("sinceSeconds: Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified") }
        if let since = request.sinceSeconds, since < 1 { invalid.append("sinceSeconds: Invalid value: \(since): must be greater than 0") }
        if !invalid.isEmpty {
            let message = "PodLogOptions \"\(name)\" is invalid: " + (invalid.count == 1 ? invalid[0] : "[\(invalid.joined(separator: ", "))]")
            return .failure(FakeLogRefusal(.unprocessableEntity, FakeStatus.make(422, reason: "Invalid", message: message)))
        }
        return .success(request)
    }

    /// What the server answers for this request on `pod`.
    func decide(pod: JSONObject, name: String) -> Decision {
        let spec = pod["spec"] as? JSONObject ?? [:]
        let containers = (spec["containers"] as? [JSONObject] ?? []).compactMap { $0["name"] as? String }
        let initContainers = (spec["initContainers"] as? [JSONObject] ?? []).compactMap { $0["name"] as? String }
        let chosen: String
        if let container {
            guard containers.contains(container) || initContainers.contains(container) else {
                return .refuse(.badRequest, FakeStatus.make(400, reason: "BadRequest", message: "container \(container) is not valid for pod \(name)"))
            }
            chosen = container
        } else if containers.count == 1 {
            chosen = containers[0]
        } else {
            var message = "a container name must be specified for pod \(name)"
            if !containers.isEmpty {
                message += ", choose one of: [\(containers.joined(separator: " "))]"
                if !initContainers.isEmpty { message += " or one of the init containers: [\(initContainers.joined(separator: " "))]" }
            }
            return .refuse(.badRequest, FakeStatus.make(400, reason: "BadRequest", message: message))
        }
        if (spec["nodeName"] as? String ?? "").isEmpty { return .noContent }

        // The kubelet's validateContainerLogStatus.
        let status = pod["status"] as? JSONObject ?? [:]
        let statuses = (status["containerStatuses"] as? [JSONObject] ?? []) + (status["initContainerStatuses"] as? [JSONObject] ?? [])
        func refuse(_ text: String) -> Decision {
            .refuse(.badRequest, FakeStatus.make(400, reason: "BadRequest", message: text))
        }
        let quoted = "container \"\(chosen)\" in pod \"\(name)\""
        guard let mine = statuses.first(where: { $0["name"] as? String == chosen }) else { return refuse("\(quoted) is not available") }
        let state = mine["state"] as? JSONObject ?? [:]
        let hadPrevious = (mine["lastState"] as? JSONObject)?["terminated"] != nil
        if previous {
            guard hadPrevious else { return refuse("previous terminated \(quoted) not found") }
            return .serve(container: chosen, previous: true, followable: false)
        }
        if state["running"] != nil { return .serve(container: chosen, previous: false, followable: true) }
        if state["terminated"] != nil { return .serve(container: chosen, previous: false, followable: false) }
        // Waiting after a crash: the last run's log.
        if hadPrevious { return .serve(container: chosen, previous: true, followable: false) }
        if let waiting = state["waiting"] as? JSONObject {
            switch waiting["reason"] as? String ?? "" {
            case "ErrImagePull": return refuse("\(quoted) is waiting to start: image can't be pulled")
            case "ImagePullBackOff": return refuse("\(quoted) is waiting to start: trying and failing to pull image")
            case let reason: return refuse("\(quoted) is waiting to start: \(reason)")
            }
        }
        return refuse("\(quoted) is waiting to start - no logs yet")
    }

    /// The lines to send first, after `sinceSeconds`/`sinceTime` and `tailLines`.
    func select(_ lines: [FakePodLogs.Line], now: Date = Date()) -> [FakePodLogs.Line] {
        var lines = lines
        if let since = sinceSeconds.map({ now.addingTimeInterval(-Double($0)) }) ?? sinceTime {
            lines = lines.filter { $0.time >= since }
        }
        if let tail = tailLines { lines = Array(lines.suffix(tail)) }
        return lines
    }
}

/// A refusal found while reading a log request's options (a JSON body, read only on the loop that made it).
struct FakeLogRefusal: Error, @unchecked Sendable {
    var status: HTTPResponseStatus
    var body: JSONObject
    init(_ status: HTTPResponseStatus, _ body: JSONObject) {
        self.status = status
        self.body = body
    }
}
