import Foundation

/// `?`: every key, grouped by where it works, generated from the key table.
final class HelpView {
    private var scrollTop = 0

    func scroll(by step: Int) { scrollTop = max(0, scrollTop + step) }
    func reset() { scrollTop = 0 }

    /// The help text as lines of (keys, action); a nil key marks a group heading.
    static func lines(prefix: String, table: KeyTable = .standard, actions: [QuickAction] = []) -> [(keys: String?, text: String)] {
        var lines: [(String?, String)] = []
        for context in KeyBinding.Context.allCases {
            if !lines.isEmpty { lines.append((nil, "")) }
            lines.append((nil, context.rawValue))
            for binding in table.bindings where binding.context == context {
                lines.append((binding.keysText.replacingPrefix(with: prefix), binding.description))
            }
        }
        if !actions.isEmpty {
            lines.append((nil, ""))
            lines.append((nil, "Quick actions (actions.yaml; also in the m menu)"))
            for action in actions {
                let place = action.local ? "runs here" : (action.output == .pane ? "in a pane" : "in the background")
                let fetch = action.download.map { ", downloads \($0)" } ?? ""
                lines.append((action.key.name, "\(action.description) (\(action.scope.rawValue), \(place)\(fetch))"))
            }
        }
        lines.append((nil, ""))
        lines.append((nil, "notes"))
        for note in notes { lines.append((nil, "  " + note)) }
        return lines
    }

    /// What keys alone do not say: the clipboard's risk, the idle countdown, the table's marker.
    static let notes = [
        "Copies reach your terminal's clipboard by OSC 52 (tmux: set-clipboard on); cap 100 KiB.",
        "Programs in panes may NOT set your clipboard unless config.yaml has `clipboard: allow`:",
        "  an instance writing your clipboard can plant a command you later paste in a shell.",
        "  Blocked requests are named on the status line; reading it is never allowed.",
        "Titles count down to the session's idle timeout (--idle-timeout, session-idle-timeout)",
        "  and warn a minute before (half the time when shorter); only data is activity.",
        "  The keepalive key sends an empty stdin message, which porthole serve counts; where",
        "  a platform counts only data (Function Compute) it says so and sends nothing.",
        "EXEC 1*: an open session keeps this on-demand instance from idle release.",
        "Log panes (o, C-a l) are read-only and show only text and colours from the log:",
        "  titles, clipboard writes, clears and cursor moves in a log are dropped.",
    ]

    func draw(on screen: Screen, in area: Rect, prefix: String, table: KeyTable, actions: [QuickAction] = []) {
        let lines = Self.lines(prefix: prefix, table: table, actions: actions)
        // As wide as the longest description needs (wide terminals show it whole), at least 96.
        let needed = lines.map { $0.keys == nil ? $0.text.count + 4 : $0.text.count + 31 }.max() ?? 0
        let rect = OverlayFrame.centred(width: max(96, min(needed, area.width - 2)), height: lines.count + 4, in: area)
        OverlayFrame.draw(on: screen, rect, title: "Help · keys (↑↓ PgUp PgDn scroll, any other key closes)")
        let inner = rect.inset(by: 1)
        let visible = max(0, inner.height - 1)
        scrollTop = min(scrollTop, max(0, lines.count - visible))
        for row in 0..<visible {
            let index = scrollTop + row
            guard lines.indices.contains(index) else { break }
            let line = lines[index]
            let y = inner.y + 1 + row
            if let keys = line.keys {
                screen.put(keys, row: y, col: inner.x + 2, width: 24, pen: screen.pen(.dialogKey))
                screen.put(line.text, row: y, col: inner.x + 27, width: inner.width - 28, pen: screen.pen(.dialog))
            } else {
                screen.put(line.text, row: y, col: inner.x + 1, width: inner.width - 2, pen: screen.pen(.dialogTitle))
            }
        }
    }
}

extension String {
    fileprivate func replacingPrefix(with prefix: String) -> String {
        var out = ""
        var rest = Substring(self)
        while let range = rest.range(of: "{prefix}") {
            out += rest[..<range.lowerBound] + prefix
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}
