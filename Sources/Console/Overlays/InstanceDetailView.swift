import Foundation
import Platform

/// `d`: everything known about one instance — its metrics (kept live from the
/// store), isolation, facts from the backend and recent lifecycle events.
final class InstanceDetailView {
    let functionName: String
    let instanceId: String
    private(set) var detail: InstanceDetail?
    private(set) var loadError: String?
    private var scrollTop = 0

    init(functionName: String, instanceId: String) {
        self.functionName = functionName
        self.instanceId = instanceId
    }

    func receive(_ result: Result<InstanceDetail, PlatformFailure>) {
        switch result {
        case .success(let detail): self.detail = detail; loadError = nil
        case .failure(let error): loadError = error.description
        }
    }

    func scroll(by step: Int) { scrollTop = max(0, scrollTop + step) }

    /// The lines shown: label/value pairs, with nil labels for headings.
    func lines(record: InstanceRecord?) -> [(label: String?, value: String)] {
        var lines: [(String?, String)] = []
        let instance = record?.instance ?? detail?.instance
        lines.append(("Function", functionName))
        lines.append(("Instance", instanceId))
        if let instance {
            lines.append(("Status", instance.status.rawValue + (record?.isGone == true ? " (gone from the platform)" : "")))
            lines.append(("Version", "\(instance.versionId) · qualifier \(instance.qualifier)"))
            lines.append(("Created", Format.time(milliseconds: instance.createdTimeMs)))
            if let m = instance.metrics {
                lines.append(("Kind", m.kind ?? (m.provisioned ? "provisioned (kept warm)" : "on-demand (released when idle)")))
                switch m.isolation {
                case "namespaces": lines.append(("Isolation", "own pid/mount/uts namespaces"))
                case "process": lines.append(("Isolation", "plain process (namespaces not available on this host)"))
                default: lines.append(("Isolation", m.isolation))
                }
                lines.append(("Uptime", Format.duration(m.uptimeSeconds)))
                lines.append(("Idle", m.idleSeconds.map(Format.duration) ?? "—"))
                lines.append(("CPU", m.cpuPercent.map { Format.percent($0) + " %" } ?? "—"))
                let memory = m.memoryBytes.map(Format.bytes) ?? "—"
                lines.append(("Memory", memory + (m.memoryLimitBytes.map { " of " + Format.bytes($0) } ?? "")))
                if m.requestsAreCounted {
                    lines.append(("Requests", "\(m.activeRequests) in flight of \(m.instanceConcurrency)"))
                    lines.append(("Exec sessions", String(m.execSessions)))
                    lines.append(("Invocations", "\(m.invocations) (\(m.errors) errors)"))
                } else {
                    let limit = m.instanceConcurrency > 0 ? " (at most \(m.instanceConcurrency) at once)" : ""
                    lines.append(("Requests", "— not counted by the platform" + limit))
                }
                if let cold = m.coldStartMs { lines.append(("Cold start", String(format: "%.0f ms", cold))) }
                if let reason = m.endReason { lines.append(("Ended", reason)) }
            }
        }
        if let detail {
            if !detail.facts.isEmpty {
                lines.append((nil, ""))
                lines.append((nil, "Facts"))
                for key in detail.facts.keys.sorted() { lines.append((key, detail.facts[key] ?? "")) }
            }
            lines.append((nil, ""))
            lines.append((nil, "Recent events"))
            if detail.events.isEmpty { lines.append(("", "none recorded")) }
            for event in detail.events.suffix(50) {
                lines.append((Format.time(milliseconds: event.timeMs), event.message))
            }
        } else if let loadError {
            lines.append((nil, ""))
            lines.append(("Details", "could not load: \(loadError)"))
        } else {
            lines.append((nil, ""))
            lines.append(("Details", "loading…"))
        }
        return lines
    }

    func draw(on screen: Screen, in area: Rect, record: InstanceRecord?) {
        let lines = lines(record: record)
        let rect = OverlayFrame.centred(width: 100, height: lines.count + 3, in: area)
        OverlayFrame.draw(on: screen, rect, title: "Instance \(instanceId) · Esc closes")
        let inner = rect.inset(by: 1)
        let visible = inner.height
        scrollTop = min(scrollTop, max(0, lines.count - visible))
        for row in 0..<visible {
            let index = scrollTop + row
            guard lines.indices.contains(index) else { break }
            let line = lines[index]
            let y = inner.y + row
            if let label = line.label {
                screen.put(label, row: y, col: inner.x + 1, width: 16, pen: screen.pen(.dialogKey))
                screen.put(line.value, row: y, col: inner.x + 18, width: inner.width - 19, pen: screen.pen(.dialog))
            } else {
                screen.put(line.value, row: y, col: inner.x + 1, width: inner.width - 2, pen: screen.pen(.dialogTitle))
            }
        }
    }
}
