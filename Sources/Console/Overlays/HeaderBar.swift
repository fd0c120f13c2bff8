import Foundation
import Platform

/// The top row: where we are, how much is there, and the two keys to remember.
/// A refresh failure turns its right side into a banner until a refresh works.
enum HeaderBar {
    static func draw(on screen: Screen, in rect: Rect, context: String, functions: Int, instances: Int,
                     sessions: Int, refreshError: String?) {
        guard rect.height > 0 else { return }
        let pen = screen.pen(.header)
        screen.fill(row: rect.y, col: rect.x, width: rect.width, pen: pen)
        var col = rect.x + 1
        col += screen.put("porthole ▸ ", row: rect.y, col: col, width: rect.maxX - col, pen: pen)
        col += screen.put(context, row: rect.y, col: col, width: rect.maxX - col, pen: screen.pen(.headerAccent))
        let counts = " │ \(functions) function\(functions == 1 ? "" : "s") · \(instances) instance\(instances == 1 ? "" : "s") · \(sessions) session\(sessions == 1 ? "" : "s")"
        col += screen.put(counts, row: rect.y, col: col, width: rect.maxX - col, pen: pen)
        if let refreshError {
            // The reason is clipped, "retrying" never is: the user must see the console is still trying.
            let start = col + 2
            let suffix = " — retrying "
            let room = rect.maxX - start - Screen.width(of: suffix)
            if room > 4 {
                let banner = Format.fit(" ⚠ " + refreshError.replacingOccurrences(of: "\n", with: " "), room).trimmingTrailingSpaces() + suffix
                screen.put(banner, row: rect.y, col: start, width: rect.maxX - start, pen: screen.pen(.banner))
            }
            return
        }
        let keys = "? help  : command "
        let start = rect.maxX - Screen.width(of: keys)
        if start > col + 1 {
            screen.put("?", row: rect.y, col: start, width: 1, pen: screen.pen(.headerAccent))
            screen.put(" help  ", row: rect.y, col: start + 1, width: 7, pen: pen)
            screen.put(":", row: rect.y, col: start + 8, width: 1, pen: screen.pen(.headerAccent))
            screen.put(" command", row: rect.y, col: start + 9, width: 8, pen: pen)
        }
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
