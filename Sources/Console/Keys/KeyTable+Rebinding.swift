import Platform

extension KeyTable {
    /// This table with the user's `keys:` applied: each entry replaces every key
    /// of its action, in every context the action has. Unknown actions, keys
    /// that are none, the prefix key and two actions on one key in one context
    /// are errors naming the entry's line.
    func rebinding(_ entries: [ContextConfig.KeyEntry], prefix: PrefixKey) throws -> KeyTable {
        guard !entries.isEmpty else { return self }
        var table = self
        var locations: [ConsoleAction: String] = [:]
        for entry in entries {
            guard let action = ConsoleAction(rawValue: entry.action) else {
                let known = ConsoleAction.allCases.filter { !$0.isFixed }.map(\.rawValue)
                throw KeyTableError.unknownAction(location: entry.location, name: entry.action, known: known)
            }
            guard !action.isFixed else { throw KeyTableError.fixedAction(location: entry.location, name: entry.action) }
            var chords: [KeyChord] = []
            for written in entry.keys {
                guard let chord = KeyChord.parse(written) else {
                    throw KeyTableError.notAKey(location: entry.location, action: entry.action, key: written)
                }
                if chord.matches(prefix.press) {
                    throw KeyTableError.prefixKey(location: entry.location, action: entry.action, key: prefix.name)
                }
                if !chords.contains(chord) { chords.append(chord) }
            }
            for index in table.bindings.indices where table.bindings[index].action == action {
                table.bindings[index].keys = chords
            }
            locations[action] = entry.location
        }
        // A clash involves at least one rebound action (the standard table has none); report it at that line.
        for context in KeyBinding.Context.allCases {
            var owner: [KeyChord: ConsoleAction] = [:]
            for binding in table.bindings where binding.context == context && !binding.action.isFixed {
                for chord in binding.keys {
                    if let other = owner[chord], other != binding.action {
                        let (moved, kept) = locations[binding.action] != nil ? (binding.action, other) : (other, binding.action)
                        throw KeyTableError.clash(
                            location: locations[moved] ?? "config.yaml", key: chord.name, action: moved.rawValue,
                            other: kept.rawValue, context: context.rawValue)
                    }
                    owner[chord] = binding.action
                }
            }
        }
        return table
    }
}
