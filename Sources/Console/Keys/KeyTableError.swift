/// Why `config.yaml`'s `keys:` could not be applied. Each names the line.
enum KeyTableError: Error, Equatable, CustomStringConvertible {
    case unknownAction(location: String, name: String, known: [String])
    case fixedAction(location: String, name: String)
    case notAKey(location: String, action: String, key: String)
    case prefixKey(location: String, action: String, key: String)
    case clash(location: String, key: String, action: String, other: String, context: String)

    var description: String {
        switch self {
        case .unknownAction(let location, let name, let known):
            return "\(location): keys: unknown action \"\(name)\"; known: \(known.joined(separator: ", "))"
        case .fixedAction(let location, let name):
            return "\(location): keys: \(name) cannot be rebound (its key is the prefix key, or it is not a single key)"
        case .notAKey(let location, let action, let key):
            return "\(location): keys: \(action): \"\(key)\" is not a key; write it like j, ?, C-x, S-Tab, PgDn, Home, Space or F5"
        case .prefixKey(let location, let action, let key):
            return "\(location): keys: \(action): \(key) is the prefix key; pick another key (or change prefix:)"
        case .clash(let location, let key, let action, let other, let context):
            return "\(location): keys: \(action): \(key) is already \(other) in \"\(context)\"; rebind \(other) too or pick another key"
        }
    }
}
