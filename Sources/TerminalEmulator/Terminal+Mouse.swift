import CVTerm

/// Mouse events for a program that asked for them (DECSET 1000/1002/1003).
extension Terminal {
    /// Reports a button press or release at a cell of the screen, encoded as
    /// the program asked (X10, UTF-8, SGR or urxvt form, through libvterm),
    /// with a motion report first where the program wants those. Nothing is
    /// sent while the program has mouse reporting off. Returns whether the
    /// event was for the program.
    @discardableResult
    public func sendMouse(_ button: MouseButton, pressed: Bool, row: Int, col: Int,
                          modifiers: KeyModifiers = []) -> Bool {
        guard mouse.isOn, row >= 0, row < rows, col >= 0, col < cols else { return false }
        let mod = VTermModifier(rawValue: UInt32(modifiers.rawValue))
        vterm_mouse_move(vterm, Int32(row), Int32(col), mod)
        vterm_mouse_button(vterm, Int32(button.rawValue), pressed, mod)
        flushOutput()
        return true
    }
}
