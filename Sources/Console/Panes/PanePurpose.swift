import ExecCore

/// What a pane runs in its instance.
enum PanePurpose: Equatable, Sendable {
    /// A login shell: bash when the instance has it, else sh.
    case login
    /// One command line, run by `sh -c`, whose output and exit code stay on show.
    case command(String)
    /// A quick action's command line (from actions.yaml), titled by its description.
    case action(label: String, line: String)

    // The exec request has no environment: TERM is set here so full-screen
    // programs know what the pane's emulator speaks (an xterm).
    private static let environment = "export TERM=\(terminalType) COLORTERM=truecolor; "

    /// The TERM the pane's program is given (what its emulator speaks).
    static let terminalType = "xterm-256color"

    /// The argv sent to the instance.
    var argv: [String] {
        switch self {
        case .login:
            return ["/bin/sh", "-c", Self.environment + ExecRequest.loginShellScript]
        case .command(let line), .action(_, let line):
            return ["/bin/sh", "-c", Self.environment + line]
        }
    }

    /// How the pane title names it.
    var label: String {
        switch self {
        case .login: return "shell"
        case .command(let line): return "$ " + line
        case .action(let label, _): return "⚡ " + label
        }
    }
}
