import Foundation

/// Short human forms of durations and sizes, one rule for the console's table
/// cells and the command line's tables: the largest whole unit (`12m`, not
/// `12m30s`), so a column five cells wide holds any age.
public enum Format {
    /// 0s, 45s, 12m, 3h, 2d.
    public static func duration(_ seconds: Double) -> String {
        let s = Int(max(0, seconds))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" }
        if s < 86400 { return "\(s / 3600)h" }
        return "\(s / 86400)d"
    }

    /// 512B, 42M, 1.5G (binary units, as `top` shows them).
    public static func bytes(_ value: Int64) -> String {
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

    /// A CPU share with one decimal: `12.5`.
    public static func percent(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    /// A wall-clock time, for event lists.
    public static func time(milliseconds: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: date)
    }
}
