import Foundation

/// A Kubernetes resource quantity (`43629237n`, `250m`, `634824Ki`, `1.5Gi`,
/// `2e3`, `12E`), read as a plain number of base units (cores, bytes).
public enum Quantity {
    /// The value in base units, or nil for text that is not a quantity.
    /// Read byte by byte: a refresh of 10,000 pods parses some 50,000 of them.
    public static func parse(_ text: String) -> Double? {
        let utf8 = text.utf8
        var start = utf8.startIndex, end = utf8.endIndex
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        while start < end, isSpace(utf8[start]) { start = utf8.index(after: start) }
        while end > start, isSpace(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
        guard start < end else { return nil }
        // The number: optional sign, digits, optional fraction.
        var index = start
        if utf8[index] == UInt8(ascii: "+") || utf8[index] == UInt8(ascii: "-") { index = utf8.index(after: index) }
        var sawDigit = false
        while index < end {
            let byte = utf8[index]
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                sawDigit = true
            } else if byte != UInt8(ascii: ".") {
                break
            }
            index = utf8.index(after: index)
        }
        guard sawDigit, let number = Double(Substring(utf8[start..<index])) else { return nil }
        let suffix = Substring(utf8[index..<end])
        if let factor = factor(suffix) { return number * factor }
        // Decimal exponent: e3, E-2 (a bare "E" is exa, handled above).
        if let first = suffix.first, first == "e" || first == "E", let exponent = Int(suffix.dropFirst()) {
            return number * pow(10, Double(exponent))
        }
        return nil
    }

    /// The binary (`Ki`…`Ei`) and decimal (`n`…`E`) suffixes.
    static func factor(_ suffix: Substring) -> Double? {
        switch suffix {
        case "": return 1
        case "n": return 1e-9
        case "u": return 1e-6
        case "m": return 1e-3
        case "k": return 1e3
        case "M": return 1e6
        case "G": return 1e9
        case "T": return 1e12
        case "P": return 1e15
        case "E": return 1e18
        case "Ki": return 1024
        case "Mi": return 1_048_576
        case "Gi": return 1_073_741_824
        case "Ti": return 1_099_511_627_776
        case "Pi": return 1_125_899_906_842_624
        case "Ei": return 1_152_921_504_606_846_976
        default: return nil
        }
    }

    /// CPU in millicores (rounded), as k9s and `kubectl top` show it.
    public static func millicores(_ text: String?) -> Double? {
        text.flatMap(parse).map { $0 * 1000 }
    }

    /// Memory in bytes.
    public static func bytes(_ text: String?) -> Double? {
        text.flatMap(parse)
    }
}
