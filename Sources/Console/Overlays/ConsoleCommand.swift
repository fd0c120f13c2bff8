import Foundation

/// A command typed after `:`. Parsing is pure so every form and error is tested.
enum ConsoleCommand: Equatable {
    case login(instanceId: String)
    case exec(instanceId: String, command: String)
    /// The instance's log in a read-only pane (`previous`: a restarted container's last run).
    case logs(instanceId: String, previous: Bool)
    case layout(LayoutPreset)
    case theme(String)
    case sort(InstanceColumn)
    /// Sets how many provisioned instances a function keeps (lowering it releases instances).
    case scale(function: String, provisioned: Int)
    case help
    case quit

    static let usage = "commands: login ID · exec ID CMD · logs [-p] ID · layout NAME · theme NAME · sort COLUMN · scale FUNCTION N · help · quit"

    static func parse(_ line: String) throws -> ConsoleCommand {
        let trimmed = line.trimmingWhitespace()
        let parts = trimmed.split(separator: " ", maxSplits: 1).map(String.init)
        guard let verb = parts.first?.lowercased() else { throw CommandError(usage) }
        let argument = parts.count > 1 ? parts[1].trimmingWhitespace() : ""
        switch verb {
        case "login", "l", "shell":
            guard !argument.isEmpty, !argument.contains(" ") else { throw CommandError("usage: login ID (an instance id, such as c-5f2a91c0d3e4)") }
            return .login(instanceId: argument)
        case "exec", "x", "run":
            let pieces = argument.split(separator: " ", maxSplits: 1).map(String.init)
            guard pieces.count == 2, !pieces[1].trimmingWhitespace().isEmpty else {
                throw CommandError("usage: exec ID CMD (for example: exec c-5f2a91c0d3e4 env)")
            }
            return .exec(instanceId: pieces[0], command: pieces[1].trimmingWhitespace())
        case "logs", "log", "o":
            var words = argument.split(separator: " ").map(String.init)
            let previous = words.first == "-p" || words.first == "--previous"
            if previous { words.removeFirst() }
            guard words.count == 1 else {
                throw CommandError("usage: logs [-p] ID (an instance id; -p: the previous run of a restarted container)")
            }
            return .logs(instanceId: words[0], previous: previous)
        case "layout":
            guard let preset = LayoutPreset(rawValue: argument.lowercased()) else {
                throw CommandError("usage: layout NAME, one of \(LayoutPreset.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return .layout(preset)
        case "theme":
            guard !argument.isEmpty else { throw CommandError("usage: theme NAME (dark, light, high-contrast, solarized, or a file)") }
            return .theme(argument)
        case "sort":
            guard let column = InstanceColumn.allCases.first(where: { $0.rawValue.lowercased() == argument.lowercased()
                || $0.rawValue.lowercased().trimmingPercent() == argument.lowercased() })
            else {
                throw CommandError("usage: sort COLUMN, one of \(InstanceColumn.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return .sort(column)
        case "scale":
            let pieces = argument.split(separator: " ").map(String.init)
            guard pieces.count == 2, let count = Int(pieces[1]), count >= 0 else {
                throw CommandError("usage: scale FUNCTION N (N provisioned instances, 0 or more)")
            }
            return .scale(function: pieces[0], provisioned: count)
        case "help", "?":
            return .help
        case "quit", "q", "q!", "exit":
            return .quit
        default:
            throw CommandError("unknown command \"\(verb)\"; \(usage)")
        }
    }
}

/// A command that could not be parsed, with the usage to show.
struct CommandError: Error, Equatable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return String(s)
    }

    fileprivate func trimmingPercent() -> String { replacingOccurrences(of: "%", with: "") }
}
