import Foundation

/// Reading a captured console screen: pane halves, ids, titles.
enum ScreenReading {
    /// Columns `range` of every row (character-wise; the console draws no wide characters of its own).
    static func columns(_ screen: [String], _ range: Range<Int>) -> [String] {
        screen.map { row in
            let characters = Array(row)
            guard range.lowerBound < characters.count else { return "" }
            return String(characters[range.lowerBound..<min(range.upperBound, characters.count)])
        }
    }

    static func contains(_ rows: [String], _ text: String) -> Bool {
        rows.contains { $0.contains(text) }
    }

    /// Every instance id (c- and 12 hex digits) in a text.
    static func instanceIDs(in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: "c-[0-9a-f]{12}")
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range, in: text).map { String(text[$0]) }
        }
    }

    /// The ids in the rows of the instance table (not the status line's).
    static func tableIDs(_ screen: [String]) -> [String] {
        screen.filter { $0.contains("│▶c-") || $0.contains("│ c-") }.compactMap { instanceIDs(in: $0).first }
    }

    /// The content rows of the pane whose title contains `title` (between its
    /// side borders); nil when no such pane is on screen.
    static func paneRows(titled title: String, in screen: [String]) -> [String]? {
        guard let top = screen.firstIndex(where: { $0.contains(title) }) else { return nil }
        let border = Array(screen[top])
        guard let titleStart = (0..<border.count).first(where: { String(border[$0...]).hasPrefix(title) }),
              let left = border[..<titleStart].lastIndex(of: "┌"),
              let right = border[titleStart...].firstIndex(of: "┐") else { return nil }
        var rows: [String] = []
        for line in screen[(top + 1)...] {
            let row = Array(line)
            guard row.count > right, row[left] == "│" else { break }
            rows.append(String(row[(left + 1)..<right]))
        }
        return rows
    }

    /// The pane's rows run together, so a line the pane wrapped reads whole.
    static func paneText(titled title: String, in screen: [String]) -> String? {
        paneRows(titled: title, in: screen)?.joined()
    }

    /// The id on the selected row of the instance table (the row marked ▶ c-…).
    static func selectedInstanceID(_ screen: [String]) -> String? {
        for row in screen {
            guard let marker = row.range(of: "▶c-") else { continue }
            return instanceIDs(in: String(row[marker.lowerBound...])).first
        }
        return nil
    }
}
