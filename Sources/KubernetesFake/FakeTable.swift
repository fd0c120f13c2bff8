import Foundation

/// The server-side printing kubectl asks for with `Accept: …;as=Table`: the
/// pod columns of kube-apiserver 1.32 (NAME READY STATUS RESTARTS AGE, then
/// the wide ones), rows with their object's metadata.
enum FakeTable {
    static func pods(_ pods: [JSONObject], version: Int) -> JSONObject {
        func column(_ name: String, _ type: String, _ priority: Int, format: String = "") -> JSONObject {
            ["name": name, "type": type, "format": format, "description": name, "priority": priority]
        }
        let columns = [
            column("Name", "string", 0, format: "name"), column("Ready", "string", 0), column("Status", "string", 0),
            column("Restarts", "string", 0), column("Age", "string", 0), column("IP", "string", 1),
            column("Node", "string", 1), column("Nominated Node", "string", 1), column("Readiness Gates", "string", 1),
        ]
        let rows = pods.map { pod -> JSONObject in
            let metadata = pod["metadata"] as? JSONObject ?? [:]
            let status = pod["status"] as? JSONObject ?? [:]
            let spec = pod["spec"] as? JSONObject ?? [:]
            let statuses = status["containerStatuses"] as? [JSONObject] ?? []
            let total = (spec["containers"] as? [JSONObject] ?? []).count
            let ready = statuses.filter { $0["ready"] as? Bool == true }.count
            let restarts = statuses.reduce(0) { $0 + ($1["restartCount"] as? Int ?? 0) }
            let cells: [Any] = [
                metadata["name"] as? String ?? "", "\(ready)/\(total)", printedStatus(pod), String(restarts),
                age(metadata["creationTimestamp"] as? String), status["podIP"] as? String ?? "<none>",
                spec["nodeName"] as? String ?? "<none>", "<none>", "<none>",
            ]
            var partial = metadata
            partial.removeValue(forKey: "managedFields")
            return ["cells": cells, "object": ["kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": partial]]
        }
        return [
            "kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": ["resourceVersion": String(version)],
            "columnDefinitions": columns, "rows": rows,
        ]
    }

    static func printedStatus(_ pod: JSONObject) -> String {
        let metadata = pod["metadata"] as? JSONObject ?? [:]
        if metadata["deletionTimestamp"] != nil { return "Terminating" }
        let status = pod["status"] as? JSONObject ?? [:]
        var reason = status["reason"] as? String ?? status["phase"] as? String ?? "Unknown"
        for container in (status["containerStatuses"] as? [JSONObject] ?? []).reversed() {
            let state = container["state"] as? JSONObject ?? [:]
            if let waiting = (state["waiting"] as? JSONObject)?["reason"] as? String {
                reason = waiting
            } else if let terminated = state["terminated"] as? JSONObject, let why = terminated["reason"] as? String {
                reason = why
            }
        }
        return reason
    }

    static func age(_ timestamp: String?) -> String {
        guard let timestamp, let date = ISO8601DateFormatter().date(from: timestamp) else { return "<unknown>" }
        let seconds = Int(max(0, Date().timeIntervalSince(date)))
        if seconds < 120 { return "\(seconds)s" }
        if seconds < 3600 * 2 { return "\(seconds / 60)m" }
        if seconds < 86400 * 2 { return "\(seconds / 3600)h" }
        return "\(seconds / 86400)d"
    }
}
