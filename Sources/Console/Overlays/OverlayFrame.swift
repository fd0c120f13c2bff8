/// The box help, details and the quit question are drawn in: centred, filled with
/// the dialog style, titled.
enum OverlayFrame {
    /// A centred rectangle of at most `width`×`height` inside `area`.
    static func centred(width: Int, height: Int, in area: Rect) -> Rect {
        let w = min(width, area.width), h = min(height, area.height)
        return Rect(x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h)
    }

    static func draw(on screen: Screen, _ rect: Rect, title: String) {
        guard rect.width >= 4, rect.height >= 3 else { return }
        let pen = screen.pen(.dialog)
        screen.fill(rect, pen: pen)
        screen.frame(rect, border: pen, title: title, titlePen: screen.pen(.dialogTitle))
    }
}
