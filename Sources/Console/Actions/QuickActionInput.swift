/// A value a quick action asks for before it runs, substituted into its
/// command as `{{name}}` (quoted for sh).
struct QuickActionInput: Equatable {
    enum Kind: String, CaseIterable {
        case string, number, choice
    }

    var name: String
    var kind: Kind
    /// The allowed values of a choice.
    var choices: [String] = []
    var defaultValue: String?

    /// The value typed, checked: empty means the default; a number must be one,
    /// a choice one of the choices. The error says what is allowed.
    func accept(_ typed: String) -> Result<String, QuickActionInputRefusal> {
        let text = typed.isEmpty ? (defaultValue ?? "") : typed
        switch kind {
        case .string:
            return .success(text)
        case .number:
            guard Self.isNumber(text) else { return .failure(QuickActionInputRefusal("\(name) must be a number, like 30")) }
            return .success(text)
        case .choice:
            guard choices.contains(text) else {
                return .failure(QuickActionInputRefusal("\(name) must be one of: \(choices.joined(separator: ", ")) (Tab cycles them)"))
            }
            return .success(text)
        }
    }

    /// A decimal number: digits, an optional sign and fraction.
    static func isNumber(_ text: String) -> Bool {
        text.range(of: "^-?[0-9]+(\\.[0-9]+)?$", options: .regularExpression) != nil
    }
}
