extension APIRoute {
    /// FC 2.0's API version: its paths name a service, `services/{service}[.{qualifier}]`.
    static let fc2Version = "2016-08-15"

    /// Whether `uri` is an FC 2.0 path (its provision-config speaks `target`).
    static func isFC2(_ uri: String) -> Bool { uri.hasPrefix("/\(fc2Version)/") }

    /// `/2016-08-15/services/{service}[.{qualifier}]/functions/…`, mapped onto
    /// the same routes as FC 3.0's paths. `path` is the decoded segments.
    static func parseFC2(_ path: [String], query: String, service: String) -> (route: APIRoute, query: String)? {
        guard path.count >= 4, path[0] == fc2Version, path[1] == "services", path[3] == "functions" else { return nil }
        let named = path[2].split(separator: ".", maxSplits: 1).first.map(String.init) ?? path[2]
        guard named == service else { return (.unknownService(named), query) }
        // The same shape as 3.0 from `functions` on.
        let rest = Array(path.dropFirst(3))
        switch rest.count {
        case 1: return (.listFunctions, query)
        case 2: return (.getFunction(rest[1]), query)
        case 3 where rest[2] == "instances": return (.listInstances(function: rest[1]), query)
        case 3 where rest[2] == "provision-config": return (.provisionConfig(function: rest[1]), query)
        case 4 where rest[2] == "instances": return (.describeInstance(function: rest[1], instance: rest[3]), query)
        case 5 where rest[2] == "instances" && rest[4] == "exec": return (.exec(function: rest[1], instance: rest[3]), query)
        default:
            if rest.count >= 3, rest[2] == "invocations" {
                let sub = "/" + rest.dropFirst(3).joined(separator: "/")
                return (.invoke(function: rest[1], subpath: query.isEmpty ? sub : sub + "?" + query), query)
            }
            return nil
        }
    }
}
