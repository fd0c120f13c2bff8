import Foundation

/// Short human forms of durations and sizes, as table cells want them.
enum Format {
    /// 0s, 45s, 12m, 3h, 2d.
    static func duration(_ seconds: Double) -> String {
        let s = Int(max(0, seconds))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" }
        if s < 86400 { return "\(s / 3600)h" }
        return "\(s / 86400)d"
    }

    /// 512B, 42M, 1.5G (binary units, as `top` shows them).
    static func bytes(_ value: Int64) -> String {
        let units = ["B", "K", "M", "G", "T"]
        var amount = Double(value)
        var unit = 0
        while amount >= 1024, unit < units.count - 1 {
            amount /= 1024
            unit += 1
        }
        if unit == 0 { return "\(value)B" }
        return amount < 10 && amount != amount.rounded()
            ? String(format: "%.1f%@", amount, units[unit])
            : "\(Int(amount.rounded()))\(units[unit])"
    }

    static func percent(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    /// A wall-clock time, for event lists.
    static func time(milliseconds: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: date)
    }

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
