import Foundation
import Platform

/// How the console starts. Built by `porthole`'s argument parsing and config.
public struct ConsoleOptions: Sendable {
    /// A theme name from `themes/` (dark, light, high-contrast, solarized) or a path to a theme file.
    public var themeName: String
    /// Seconds between refreshes of the instance table.
    public var refreshInterval: TimeInterval
    /// The prefix key as written by the user: `C-a`, `C-b`, `^a`, … (tmux's notation).
    public var prefixKey: String
    public var thresholds: Thresholds
    /// Shown in the header: "local (embedded)", a context name, …; nil uses the backend's name.
    public var contextName: String?
    /// Use the mouse when the terminal reports it.
    public var mouse: Bool
    /// Seconds without traffic before the server closes an exec session (nil: server default).
    public var sessionIdleTimeout: Int?
    /// Colour off even when the terminal has it (also when `NO_COLOR` is set).
    public var noColor: Bool
    /// Rebound keys from `config.yaml`'s `keys:` (checked when the console is made).
    public var keys: [ContextConfig.KeyEntry]
    /// `clipboard: allow`: programs in panes may set the user's clipboard with OSC 52.
    /// Off by default: an instance writing the operator's clipboard is a risk.
    public var allowProgramClipboard = false

    public init(
        themeName: String = "dark", refreshInterval: TimeInterval = 2, prefixKey: String = "C-a",
        thresholds: Thresholds = Thresholds(), contextName: String? = nil, mouse: Bool = true,
        sessionIdleTimeout: Int? = nil, noColor: Bool = false,
        keys: [ContextConfig.KeyEntry] = []
    ) {
        self.themeName = themeName
        self.refreshInterval = refreshInterval
        self.prefixKey = prefixKey
        self.thresholds = thresholds
        self.contextName = contextName
        self.mouse = mouse
        self.sessionIdleTimeout = sessionIdleTimeout
        self.noColor = noColor
        self.keys = keys
    }
}
