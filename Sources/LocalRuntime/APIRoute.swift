import NIOHTTP1

/// A request path of the local API, parsed (docs/PROTOCOL.md §3).
enum APIRoute: Equatable {
    case listFunctions
    case getFunction(String)
    case listInstances(function: String)
    case listAllInstances
    case describeInstance(function: String, instance: String)
    case exec(function: String, instance: String)
    case logs(function: String, instance: String)
    case invoke(function: String, subpath: String)
    case provisionConfig(function: String)
    /// An FC 2.0 path naming a service this server does not have.
    case unknownService(String)

    static let version = "2023-03-30"

    /// Parses `uri` (path and query); nil when no route matches. `service` is
    /// the name FC 2.0 paths must carry.
    static func parse(_ uri: String, service: String = "porthole") -> (route: APIRoute, query: String)? {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let query = parts.count > 1 ? String(parts[1]) : ""
        let path = parts[0].split(separator: "/").map { APIRoute.decode(String($0)) }
        if path.first == fc2Version { return parseFC2(path, query: query, service: service) }
        guard path.first == version else { return nil }
        let rest = Array(path.dropFirst())
        switch rest.count {
        case 1 where rest[0] == "functions": return (.listFunctions, query)
        case 1 where rest[0] == "instances": return (.listAllInstances, query)
        case 2 where rest[0] == "functions": return (.getFunction(rest[1]), query)
        case 3 where rest[0] == "functions" && rest[2] == "instances": return (.listInstances(function: rest[1]), query)
        case 3 where rest[0] == "functions" && rest[2] == "provision-config": return (.provisionConfig(function: rest[1]), query)
        case 4 where rest[0] == "functions" && rest[2] == "instances":
            return (.describeInstance(function: rest[1], instance: rest[3]), query)
        case 5 where rest[0] == "functions" && rest[2] == "instances" && rest[4] == "exec":
            return (.exec(function: rest[1], instance: rest[3]), query)
        case 5 where rest[0] == "functions" && rest[2] == "instances" && rest[4] == "logs":
            return (.logs(function: rest[1], instance: rest[3]), query)
        default:
            if rest.count >= 3, rest[0] == "functions", rest[2] == "invocations" {
                let sub = "/" + rest.dropFirst(3).joined(separator: "/")
                return (.invoke(function: rest[1], subpath: query.isEmpty ? sub : sub + "?" + query), query)
            }
            return nil
        }
    }

    /// The value of `name` in a query string ("a=1&since=42"), percent-decoded.
    static func queryValue(_ name: String, in query: String) -> String? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2, parts[0] == name { return decode(String(parts[1])) }
        }
        return nil
    }

    static func decode(_ component: String) -> String {
        component.removingPercentEncoding ?? component
    }
}
