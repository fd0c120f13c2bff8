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
    /// `PORTHOLE_INPUT_<name>`, and `{{name}}` becomes a quoted expansion of it
    /// that fits where it stands (unquoted, inside "…" or inside '…'), so sh
    /// reads the value as one piece of text and never as shell syntax.
    func commandLine(values: [String: String]) -> String {
        let exports = inputs.map { "\(Self.variable($0.name))=\(Self.shellQuoted(values[$0.name] ?? ""))" }
        let body = Self.expandingPlaceholders(command)
        return exports.isEmpty ? body : "export \(exports.joined(separator: " ")); " + body
    }

    /// `{{name}}` → `"${PORTHOLE_INPUT_name}"` unquoted, `${…}` inside double
    /// quotes, `'"${…}"'` inside single quotes; the quoting state is tracked as
    /// sh reads it (backslashes, both kinds of quotes, comments).
    static func expandingPlaceholders(_ text: String) -> String {
        enum Quote { case none, single, double }
        let characters = Array(text)
        var out = ""
        var quote = Quote.none
        var index = 0
        while index < characters.count {
            let c = characters[index]
            if c == "{", index + 1 < characters.count, characters[index + 1] == "{",
               let close = findClose(characters, from: index + 2) {
                let name = String(characters[(index + 2)..<close]).trimmingCharacters(in: .whitespaces)
                if name.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil {
                    let expansion = "${\(variable(name))}"
                    switch quote {
                    case .none: out += "\"\(expansion)\""
                    case .double: out += expansion
                    case .single: out += "'\"\(expansion)\"'"
                    }
                    index = close + 2
                    continue
                }
            }
            // A comment is copied as it is: quotes in it (an apostrophe) are not quotes.
            if quote == .none, c == "#", index == 0 || characters[index - 1].isWhitespace {
                while index < characters.count, characters[index] != "\n" {
                    out.append(characters[index])
                    index += 1
                }
                continue
            }
            out.append(c)
            switch (quote, c) {
            case (.none, "\\"), (.double, "\\"):
                if index + 1 < characters.count { out.append(characters[index + 1]) }
                index += 1
            case (.none, "'"): quote = .single
            case (.single, "'"): quote = .none
            case (.none, "\""): quote = .double
            case (.double, "\""): quote = .none
            default: break
            }
            index += 1
        }
        return out
    }

    private static func findClose(_ characters: [Character], from start: Int) -> Int? {
        var index = start
        while index + 1 < characters.count {
            if characters[index] == "}" && characters[index + 1] == "}" { return index }
            if characters[index] == "\n" { return nil }
            index += 1
        }
        return nil
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
