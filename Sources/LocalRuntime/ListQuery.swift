import ExecCore
import Foundation
import Platform

/// The query of a list call, decoded, with the filters Function Compute's
/// ListFunctions and ListInstances take (docs/PROTOCOL.md §3, §7).
struct ListQuery {
    private var pairs: [(String, String)]

    init(_ query: String) {
        pairs = query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (ExecRequest.percentDecode(String(kv[0])), kv.count > 1 ? ExecRequest.percentDecode(String(kv[1])) : "")
        }
    }

    func first(_ key: String) -> String? { pairs.first { $0.0 == key }?.1 }

    /// `true`/`True` (FC 3.0's SDK sends Python's spelling).
    func flag(_ key: String) throws -> Bool {
        guard let value = first(key) else { return false }
        switch value.lowercased() {
        case "true", "1", "": return true
        case "false", "0": return false
        default: throw APIError(status: 400, code: "InvalidArgument", message: "\(key)=\(value) must be true or false")
        }
    }

    /// A list given as a JSON array (FC 3.0), repeated keys (FC 2.0's SDK), or commas.
    func list(_ key: String) throws -> [String]? {
        let values = pairs.filter { $0.0 == key }.map(\.1)
        guard !values.isEmpty else { return nil }
        var items: [String] = []
        for value in values {
            if value.hasPrefix("[") {
                guard let array = try? JSONSerialization.jsonObject(with: Data(value.utf8)) as? [Any] else {
                    throw APIError(status: 400, code: "InvalidArgument", message: "\(key)=\(value) is not a JSON array of strings")
                }
                items += array.map { "\($0)" }
            } else {
                items += value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            }
        }
        return items
    }

    func limit(max: Int) throws -> Int? {
        guard let value = first("limit") else { return nil }
        guard let limit = Int(value), (1...max).contains(limit) else {
            throw APIError(status: 400, code: "InvalidArgument", message: "limit=\(value) must be a whole number from 1 to \(max)")
        }
        return limit
    }

    // MARK: The two lists

    /// ListFunctions: `prefix`, then from `nextToken` (the name the page starts at), `limit` of them.
    func page(of functions: [Function]) throws -> FunctionList {
        var matching = functions.sorted { $0.functionName < $1.functionName }
        if let prefix = first("prefix") { matching = matching.filter { $0.functionName.hasPrefix(prefix) } }
        if let token = first("nextToken"), !token.isEmpty {
            matching = matching.filter { $0.functionName >= token }
        }
        let limit = try self.limit(max: 100) ?? 100
        let page = Array(matching.prefix(limit))
        let next = matching.count > limit ? matching[limit].functionName : ""
        return FunctionList(functions: page, nextToken: next)
    }

    /// ListInstances: `instanceStatus`, `instanceIds`, `withAllActive` (live
    /// ones only; without it, recently ended ones are listed too), `startKey`
    /// (the id the page starts at), `limit`; metrics only with `withMetrics`.
    func select(_ instances: [Instance]) throws -> [Instance] {
        var selected = instances
        if let statuses = try list("instanceStatus") {
            let wanted = Set(statuses.map { $0.lowercased() })
            selected = selected.filter { wanted.contains($0.status.rawValue.lowercased()) }
        }
        if let ids = try list("instanceIds") {
            let wanted = Set(ids)
            selected = selected.filter { wanted.contains($0.instanceId) }
        }
        if try flag("withAllActive") { selected = selected.filter { $0.status.isLive } }
        if let start = first("startKey"), !start.isEmpty {
            selected = selected.sorted { $0.instanceId < $1.instanceId }.filter { $0.instanceId >= start }
        }
        if let limit = try limit(max: 10_000) { selected = Array(selected.prefix(limit)) }
        if try !flag("withMetrics") {
            for index in selected.indices { selected[index].metrics = nil }
        }
        return selected
    }
}
