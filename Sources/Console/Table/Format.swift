import Platform

/// The console's part of `Format` (durations and sizes are Platform's, shared
/// with the command line): fitting text to a column, which needs the
/// terminal's character widths.
extension Format {
    /// Pads or clips text to exactly `width` columns.
    static func fit(_ text: String, _ width: Int, alignRight: Bool = false) -> String {
        let w = Screen.width(of: text)
        if w == width { return text }
        if w < width {
            let pad = String(repeating: " ", count: width - w)
            return alignRight ? pad + text : text + pad
        }
        var out = ""
        var used = 0
        for c in text {
            let cw = Screen.width(of: c)
            if used + cw > max(0, width - 1) { break }
            out.append(c)
            used += cw
        }
        out.append("…")
        used += 1
        return out + String(repeating: " ", count: max(0, width - used))
    }
}
