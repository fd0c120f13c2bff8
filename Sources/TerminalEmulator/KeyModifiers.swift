/// Modifier keys held with a key press.
public struct KeyModifiers: OptionSet, Hashable, Sendable {
    /// The modifier bits; the same values as libvterm's `VTermModifier`.
    public let rawValue: UInt8
    /// Modifiers from their bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Shift (for characters, already part of the character: `"A"`).
    public static let shift = KeyModifiers(rawValue: 1 << 0)
    /// Alt / Meta: the key is sent prefixed with ESC, or with an xterm modifier code.
    public static let alt = KeyModifiers(rawValue: 1 << 1)
    /// Control.
    public static let ctrl = KeyModifiers(rawValue: 1 << 2)
}
