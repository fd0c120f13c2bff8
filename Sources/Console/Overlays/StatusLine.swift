import Foundation

/// The bottom row when the command bar is closed: a message (for a few seconds)
/// or key hints on the left, the focused pane's state on the right.
final class StatusLine {
    private struct Message {
        var text: String
        var isError: Bool
        var until: Date
    }

    private var message: Message?

    func show(_ text: String, error: Bool = false, seconds: TimeInterval = 5) {
        message = Message(text: text, isError: error, until: Date().addingTimeInterval(seconds))
    }

    var messageText: String? { message?.text }

    /// When the current message must disappear (the loop wakes for it).
    var deadline: Date? { message?.until }

    /// Drops an expired message; says whether one went.
    func expire(now: Date) -> Bool {
        guard let message, message.until <= now else { return false }
        self.message = nil
        return true
    }

    func draw(on screen: Screen, in rect: Rect, hints: [(key: String, label: String)], right: String) {
        guard rect.height > 0 else { return }
        let pen = screen.pen(.statusLine)
        screen.fill(row: rect.y, col: rect.x, width: rect.width, pen: pen)
        let rightWidth = min(rect.width / 2, Screen.width(of: right) + 1)
        var col = rect.x + 1
        let limit = rect.maxX - rightWidth - 1
        if let message {
            screen.put(message.text, row: rect.y, col: col, width: limit - col,
                       pen: screen.pen(message.isError ? .statusLineError : .statusLine))
        } else {
            for (index, hint) in hints.enumerated() {
                guard col < limit else { break }
                if index > 0 { col += screen.put(" · ", row: rect.y, col: col, width: limit - col, pen: pen) }
                col += screen.put(hint.key, row: rect.y, col: col, width: limit - col, pen: screen.pen(.statusLineKey))
                col += screen.put(" " + hint.label, row: rect.y, col: col, width: limit - col, pen: pen)
            }
        }
        if rightWidth > 1 {
            screen.put(right, row: rect.y, col: rect.maxX - rightWidth, width: rightWidth, pen: pen)
        }
    }
}
