import Foundation

/// One entry of `actions.yaml`: a key that runs a command in the selected
/// instance over exec (or locally, with the instance in the environment),
/// after its inputs and confirmation, with its output in a pane or in the
/// background, and optionally a file fetched from the instance when it ends.
struct QuickAction: Equatable {
    enum Scope: String, CaseIterable {
        /// Acts on the selected instance.
        case instance
        /// Acts on the selected function (runs locally).
        case function
    }

    enum Output: String, CaseIterable {
        /// A terminal pane shows the output and the exit code.
        case pane
        /// Runs unseen; the transfers overlay lists it and the status line says how it ended.
        case background
    }

    var key: KeyChord
    var description: String
    var scope: Scope = .instance
    /// A `sh` command line; `{{name}}` is an input's value as one word (also inside double quotes).
    var command: String
    /// Run on this machine instead of in the instance.
    var local = false
    /// Asked before running (y runs it); `{{name}}` is an input's value as typed.
    var confirm: String?
    var inputs: [QuickActionInput] = []
    var output: Output = .pane
    /// A path in the instance fetched to the current directory when the command succeeds.
    var download: String?
    /// `file:line` of the entry, for messages.
    var location: String

    /// The command for `sh -c`: each input's value is set, single-quoted, in
    /// `PORTHOLE_INPUT_<name>`, and `{{name}}` becomes `"${PORTHOLE_INPUT_<name>}"`,
    /// which sh reads as the value alone whether it stands unquoted or inside
    /// double quotes. No value is ever parsed as shell syntax.
    func commandLine(values: [String: String]) -> String {
        let exports = inputs.map { "\(Self.variable($0.name))=\(Self.shellQuoted(values[$0.name] ?? ""))" }
        let body = Self.substitute(command) { "\"${\(Self.variable($0))}\"" }
        return exports.isEmpty ? body : "export \(exports.joined(separator: " ")); " + body
    }

    /// The environment variable holding input `name`'s value.
    static func variable(_ name: String) -> String { "PORTHOLE_INPUT_\(name)" }

    /// `text` with every `{{name}}` replaced by its value as typed (confirm text, download path).
    func plain(_ text: String, values: [String: String]) -> String {
        Self.substitute(text) { values[$0] ?? "" }
    }

    /// The `{{name}}` placeholders `text` uses.
    static func placeholders(in text: String) -> [String] {
        var names: [String] = []
        _ = substitute(text) { name in
            names.append(name)
            return ""
        }
        return names
    }

    static func substitute(_ text: String, _ value: (String) -> String) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            out += rest[..<open.lowerBound]
            if name.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil {
                out += value(name)
            } else {
                out += rest[open.lowerBound..<close.upperBound]
            }
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    /// `text` as one sh word: single quotes, with each `'` written `'\''`.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
