import Foundation

/// A Kubernetes resource quantity (`43629237n`, `250m`, `634824Ki`, `1.5Gi`,
/// `2e3`, `12E`), read as a plain number of base units (cores, bytes).
public enum Quantity {
    static let binary: [String: Double] = [
        "Ki": 1024, "Mi": 1024 * 1024, "Gi": pow(1024, 3), "Ti": pow(1024, 4), "Pi": pow(1024, 5), "Ei": pow(1024, 6),
    ]
    static let decimal: [String: Double] = [
        "n": 1e-9, "u": 1e-6, "m": 1e-3, "": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
    ]

    /// The value in base units, or nil for text that is not a quantity.
    public static func parse(_ text: String) -> Double? {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        // The number: optional sign, digits, optional fraction.
        var index = text.startIndex
        if text[index] == "+" || text[index] == "-" { index = text.index(after: index) }
        var sawDigit = false
        while index < text.endIndex, text[index].isASCII, text[index].isNumber || text[index] == "." {
            if text[index].isNumber { sawDigit = true }
            index = text.index(after: index)
        }
        guard sawDigit, let number = Double(text[..<index]) else { return nil }
        let suffix = String(text[index...])
        if let factor = binary[suffix] ?? decimal[suffix] { return number * factor }
        // Decimal exponent: e3, E-2 (a bare "E" is exa, handled above).
        if let first = suffix.first, first == "e" || first == "E", let exponent = Int(suffix.dropFirst()) {
            return number * pow(10, Double(exponent))
        }
        return nil
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
