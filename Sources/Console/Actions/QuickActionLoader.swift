import Foundation
import Yams

/// Reads `actions.yaml` (`$XDG_CONFIG_HOME/porthole/actions.yaml`, else
/// `~/.config/porthole/actions.yaml`):
///
///     actions:
///       - key: T
///         description: Capture 30 s of traffic
///         scope: instance            # or function (runs locally)
///         confirm: Capture on {{interface}}?
///         inputs:
///           - {name: interface, type: choice, choices: [any, eth0, lo], default: any}
///         command: timeout 30 tcpdump -i {{interface}} -w /tmp/capture.cap
///         output: background         # or pane
///         download: /tmp/capture.cap
///
/// Everything is checked at load; an error names the file, the line and the field.
enum QuickActionLoader {
    static let knownFields = ["key", "description", "scope", "command", "local", "confirm", "inputs", "output", "download"]
    static let knownInputFields = ["name", "type", "choices", "default"]
    /// "Up to a few" inputs: each is a prompt before the action runs.
    static let maxInputs = 4

    static func defaultFile(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".config")
        return base.appendingPathComponent("porthole/actions.yaml")
    }

    /// The actions in `file`; none when it does not exist. `reserved` maps the
    /// console's own keys (where quick action keys also work) to what they do.
    static func load(file: URL, reserved: [KeyChord: String]) throws -> [QuickAction] {
        guard FileManager.default.fileExists(atPath: file.path) else { return [] }
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw QuickActionError(file: file.path, line: nil, field: "(file)", problem: "cannot read: \(error.localizedDescription)")
        }
        return try parse(text, file: file.path, reserved: reserved)
    }

    static func parse(_ text: String, file: String, reserved: [KeyChord: String]) throws -> [QuickAction] {
        func line(_ node: Node?) -> Int? { node?.mark?.line }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            var at: Int?
            switch error {
            case .scanner(_, _, let mark, _), .parser(_, _, let mark, _): at = mark.line
            default: break
            }
            throw QuickActionError(file: file, line: at, field: "(yaml)", problem: "not valid YAML: \(error)")
        }
        guard let root else { return [] }
        guard let mapping = root.mapping else {
            throw QuickActionError(file: file, line: line(root), field: "(top level)", problem: "expected a mapping with an `actions:` list")
        }
        for (key, _) in mapping where key.string != "actions" {
            throw QuickActionError(file: file, line: line(key), field: key.string ?? "?", problem: "unknown key; the file holds one `actions:` list")
        }
        guard let listNode = mapping["actions"] else { return [] }
        if case .scalar(let scalar) = listNode, scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" { return [] }
        guard let list = listNode.sequence else {
            throw QuickActionError(file: file, line: line(listNode), field: "actions", problem: "expected a list of actions")
        }
        var actions: [QuickAction] = []
        var taken: [KeyChord: QuickAction] = [:]
        for (index, item) in list.enumerated() {
            let action = try parseAction(item, index: index, file: file)
            if let builtin = reserved[action.key] {
                throw QuickActionError(
                    file: file, line: line(item.mapping?["key"]), field: "actions[\(index)].key",
                    problem: "\(action.key.name) is already the console's key for \(builtin); pick another key")
            }
            if let other = taken[action.key] {
                throw QuickActionError(
                    file: file, line: line(item.mapping?["key"]), field: "actions[\(index)].key",
                    problem: "\(action.key.name) is already the key of \"\(other.description)\" (\(other.location)); pick another key")
            }
            taken[action.key] = action
            actions.append(action)
        }
        return actions
    }

    static func parseAction(_ node: Node, index: Int, file: String) throws -> QuickAction {
        let prefix = "actions[\(index)]"
        func fail(_ field: String, _ at: Node?, _ problem: String) -> QuickActionError {
            QuickActionError(file: file, line: (at ?? node).mark?.line, field: field.isEmpty ? prefix : "\(prefix).\(field)", problem: problem)
        }
        guard let mapping = node.mapping else { throw fail("", node, "expected a mapping with key, description and command") }
        for (key, _) in mapping where !knownFields.contains(key.string ?? "") {
            throw fail(key.string ?? "?", key, "unknown field; known fields: \(knownFields.joined(separator: ", "))")
        }
        func string(_ field: String, required: Bool = false) throws -> String? {
            guard let value = mapping[field] else {
                if required { throw fail(field, node, "missing (required)") }
                return nil
            }
            guard case .scalar(let scalar) = value else { throw fail(field, value, "expected text") }
            let text = scalar.string.trimmingCharacters(in: .whitespacesAndNewlines)
            if required && text.isEmpty { throw fail(field, value, "empty; give a value") }
            return text
        }
        func bool(_ field: String) throws -> Bool? {
            guard let value = mapping[field] else { return nil }
            guard let flag = value.bool else { throw fail(field, value, "expected true or false") }
            return flag
        }
        func oneOf<T: RawRepresentable & CaseIterable>(_ field: String, _ type: T.Type) throws -> T? where T.RawValue == String {
            guard let text = try string(field) else { return nil }
            guard let value = T(rawValue: text) else {
                throw fail(field, mapping[field], "\"\(text)\" is not one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return value
        }

        let keyText = try string("key", required: true)!
        guard let key = KeyChord.parse(keyText) else {
            throw fail("key", mapping["key"], "\"\(keyText)\" is not a key; write it like t, T, C-t, F5")
        }
        let location = "\(file):\(node.mark?.line ?? 0)"
        var action = QuickAction(
            key: key, description: try string("description", required: true)!, command: try string("command", required: true)!,
            location: location)
        action.scope = try oneOf("scope", QuickAction.Scope.self) ?? .instance
        action.output = try oneOf("output", QuickAction.Output.self) ?? .pane
        action.local = try bool("local") ?? false
        // `confirm: true` asks with a sentence of our own; text is shown as written.
        switch try string("confirm") {
        case nil, "false", "no", "": action.confirm = nil
        case "true", "yes": action.confirm = "Run \"\(action.description)\"?"
        case let text?: action.confirm = text
        }
        if let download = try string("download") {
            guard download.hasPrefix("/") else {
                throw fail("download", mapping["download"], "\"\(download)\" is not absolute; give the file's path in the instance, like /tmp/capture.cap")
            }
            action.download = download
        }
        if action.local && action.download != nil {
            throw fail("download", mapping["download"], "a local action's files are already on this machine; drop download or local")
        }
        if action.local && action.output == .pane {
            throw fail("output", mapping["output"] ?? mapping["local"],
                       "a local action runs in the background (panes show instances); set output: background")
        }
        if action.scope == .function && !action.local {
            throw fail("scope", mapping["scope"],
                       "a function-scoped action runs on this machine; add local: true (or use scope: instance to run in the selected instance)")
        }
        if let inputsNode = mapping["inputs"] {
            guard let list = inputsNode.sequence else { throw fail("inputs", inputsNode, "expected a list of inputs") }
            guard list.count <= maxInputs else { throw fail("inputs", inputsNode, "\(list.count) inputs; at most \(maxInputs)") }
            for (number, item) in list.enumerated() {
                let input = try parseInput(item, field: "\(prefix).inputs[\(number)]", file: file)
                if action.inputs.contains(where: { $0.name == input.name }) {
                    throw QuickActionError(file: file, line: item.mapping?["name"]?.mark?.line, field: "\(prefix).inputs[\(number)].name",
                                           problem: "\"\(input.name)\" is named twice")
                }
                action.inputs.append(input)
            }
        }
        let names = Set(action.inputs.map(\.name))
        for (field, text) in [("command", action.command), ("confirm", action.confirm ?? ""), ("download", action.download ?? "")] {
            for name in QuickAction.placeholders(in: text) where !names.contains(name) {
                throw fail(field, mapping[field], "{{\(name)}} names no input; inputs: \(names.isEmpty ? "none" : names.sorted().joined(separator: ", "))")
            }
        }
        return action
    }

    static func parseInput(_ node: Node, field: String, file: String) throws -> QuickActionInput {
        func fail(_ name: String, _ at: Node?, _ problem: String) -> QuickActionError {
            QuickActionError(file: file, line: (at ?? node).mark?.line, field: name.isEmpty ? field : "\(field).\(name)", problem: problem)
        }
        guard let mapping = node.mapping else { throw fail("", node, "expected a mapping {name, type, choices, default}") }
        for (key, _) in mapping where !knownInputFields.contains(key.string ?? "") {
            throw fail(key.string ?? "?", key, "unknown field; known fields: \(knownInputFields.joined(separator: ", "))")
        }
        guard let nameNode = mapping["name"], let name = nameNode.scalar?.string else { throw fail("name", node, "missing (required)") }
        guard name.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil else {
            throw fail("name", nameNode, "\"\(name)\" must be letters, digits and _ (it is written {{\(name)}} in the command)")
        }
        var kind = QuickActionInput.Kind.string
        if let typeNode = mapping["type"] {
            guard let text = typeNode.scalar?.string, let parsed = QuickActionInput.Kind(rawValue: text) else {
                throw fail("type", typeNode, "expected one of: string, number, choice")
            }
            kind = parsed
        }
        var input = QuickActionInput(name: name, kind: kind)
        if let choicesNode = mapping["choices"] {
            guard kind == .choice else { throw fail("choices", choicesNode, "only a choice input has choices; set type: choice") }
            guard let list = choicesNode.sequence, !list.isEmpty else { throw fail("choices", choicesNode, "expected a non-empty list") }
            input.choices = try list.map {
                guard let text = $0.scalar?.string, !text.isEmpty else { throw fail("choices", $0, "expected text") }
                return text
            }
        } else if kind == .choice {
            throw fail("choices", node, "missing: a choice input needs its choices, like [any, eth0]")
        }
        if let defaultNode = mapping["default"] {
            guard let text = defaultNode.scalar?.string else { throw fail("default", defaultNode, "expected a value") }
            if case .failure(let refusal) = input.accept(text) { throw fail("default", defaultNode, "\(refusal)") }
            input.defaultValue = text
        }
        return input
    }

    /// The console's keys a quick action key may not take: the instance table's
    /// and the action menu's, and the prefix key.
    static func reservedKeys(table: KeyTable, prefix: PrefixKey) -> [KeyChord: String] {
        var reserved: [KeyChord: String] = [:]
        for binding in table.bindings where binding.context == .table && !binding.action.isFixed {
            for chord in binding.keys where reserved[chord] == nil { reserved[chord] = "\"\(binding.description)\"" }
        }
        for action in ActionMenu.Action.allCases where reserved[KeyChord.char(action.key)] == nil {
            reserved[KeyChord.char(action.key)] = "\"\(action.label)\" in the action menu"
        }
        for c: Character in ["j", "k", "q"] where reserved[KeyChord.char(c)] == nil {
            reserved[KeyChord.char(c)] = "moving in (or closing) the action menu"
        }
        if case .character = prefix.press.key { reserved[KeyChord(prefix.press.key)] = "the prefix key" }
        return reserved
    }
}
