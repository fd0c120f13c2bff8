/// Modes the program running in the pane has switched on.
public struct TerminalModes: Hashable, Sendable {
    /// The alternate screen (DECSET 47/1047/1049) is shown; it has no scrollback.
    public var alternateScreen: Bool
    /// Mouse events the program wants.
    public var mouseReporting: MouseReporting
    /// Pastes must be wrapped in `ESC [ 200 ~` … `ESC [ 201 ~` (DECSET 2004).
    public var bracketedPaste: Bool
    /// Cursor keys send `ESC O A` rather than `ESC [ A` (DECCKM, DECSET 1).
    public var applicationCursorKeys: Bool
    /// The whole screen is in reverse video (DECSCNM, DECSET 5).
    public var reverseVideo: Bool

    /// Modes with the given values (defaults: a freshly reset terminal).
    public init(alternateScreen: Bool = false, mouseReporting: MouseReporting = .off,
                bracketedPaste: Bool = false, applicationCursorKeys: Bool = false,
                reverseVideo: Bool = false) {
        self.alternateScreen = alternateScreen
        self.mouseReporting = mouseReporting
        self.bracketedPaste = bracketedPaste
        self.applicationCursorKeys = applicationCursorKeys
        self.reverseVideo = reverseVideo
    }
}
