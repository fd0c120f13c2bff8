import ExecCore

/// What a pane runs in its instance.
enum PanePurpose: Equatable, Sendable {
    /// A login shell: bash when the instance has it, else sh.
    case login
    /// One command line, run by `sh -c`, whose output and exit code stay on show.
    case command(String)
    /// A quick action's command line (from actions.yaml), titled by its description.
    case action(label: String, line: String)
    /// The instance's output log, read-only: followed, or the previous run's
    /// (a restarted Kubernetes container's last run) read to its end.
    case logs(previous: Bool)

    /// The lines a log pane starts with: enough to see what led up to now,
    /// not a long log flooding the pane (`kubectl logs --tail`); older lines
    /// stay on the platform.
    static let logTailLines = 1000

    // The exec request has no environment: TERM is set here so full-screen
    // programs know what the pane's emulator speaks (an xterm).
    private static let environment = "export TERM=\(terminalType) COLORTERM=truecolor; "

    /// The TERM the pane's program is given (what its emulator speaks).
    static let terminalType = "xterm-256color"

    /// The argv sent to the instance (a log pane sends none: what the CLI
    /// would run for the same view, for a recording's header).
    var argv: [String] {
        switch self {
        case .logs(let previous):
            return ["porthole", "logs", previous ? "--previous" : "--follow", "--tail", String(Self.logTailLines)]
        case .login:
            return ["/bin/sh", "-c", Self.environment + ExecRequest.loginShellScript]
        case .command(let line), .action(_, let line):
            return ["/bin/sh", "-c", Self.environment + line]
        }
    }

    /// A log pane: read-only, fed by a log stream instead of an exec session.
    var isLog: Bool {
        if case .logs = self { return true }
        return false
    }

    /// How the pane title names it.
    var label: String {
        switch self {
        case .login: return "shell"
        case .command(let line): return "$ " + line
        case .action(let label, _): return "⚡ " + label
        case .logs(let previous): return previous ? "logs (previous)" : "logs"
        }
    }
}
