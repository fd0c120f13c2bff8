/// Why the console could not start or had to stop, phrased for the user.
public enum ConsoleError: Error, CustomStringConvertible {
    case notATerminal
    case cursesFailed(String)
    case theme(String)
    /// `keys:` in config.yaml names an unknown action, a key that is none, or a clash.
    case keys(String)
    /// actions.yaml could not be loaded (file:line: field: problem).
    case actions(String)
    case system(String)

    public var description: String {
        switch self {
        case .notATerminal:
            return "the console needs a terminal: run porthole in an interactive terminal, or use a subcommand (porthole --help)"
        case .cursesFailed(let call):
            return "curses could not start (\(call) failed); check that TERM names a terminal this system knows"
        case .theme(let message): return message
        case .keys(let message): return message
        case .actions(let message): return message
        case .system(let message): return message
        }
    }
}
