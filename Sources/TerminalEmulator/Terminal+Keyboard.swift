import CVTerm

/// Keys and pastes, encoded for the program and handed to `send`.
extension Terminal {
    /// Encodes a key press as the program expects it and sends it.
    ///
    /// Special keys go through libvterm's encoder, so cursor keys follow the
    /// program's cursor-key mode (`ESC O A` in application mode, `ESC [ A`
    /// otherwise) and modifiers become xterm's `ESC [ 1 ; m A` forms.
    /// Characters: Ctrl with a letter or one of `@ [ \ ] ^ _ ?` gives the
    /// classic control byte; Alt prefixes ESC; Shift is already in the character.
    public func sendKey(_ key: TerminalKey, modifiers: KeyModifiers = []) {
        let mod = VTermModifier(rawValue: UInt32(modifiers.rawValue))
        switch key {
        case .character(let ch): sendCharacter(ch, modifiers: modifiers)
        case .enter: vterm_keyboard_key(vterm, VTERM_KEY_ENTER, mod)
        case .tab: vterm_keyboard_key(vterm, VTERM_KEY_TAB, mod)
        case .backspace: vterm_keyboard_key(vterm, VTERM_KEY_BACKSPACE, mod)
        case .escape: vterm_keyboard_key(vterm, VTERM_KEY_ESCAPE, mod)
        case .up: vterm_keyboard_key(vterm, VTERM_KEY_UP, mod)
        case .down: vterm_keyboard_key(vterm, VTERM_KEY_DOWN, mod)
        case .left: vterm_keyboard_key(vterm, VTERM_KEY_LEFT, mod)
        case .right: vterm_keyboard_key(vterm, VTERM_KEY_RIGHT, mod)
        case .home: vterm_keyboard_key(vterm, VTERM_KEY_HOME, mod)
        case .end: vterm_keyboard_key(vterm, VTERM_KEY_END, mod)
        case .pageUp: vterm_keyboard_key(vterm, VTERM_KEY_PAGEUP, mod)
        case .pageDown: vterm_keyboard_key(vterm, VTERM_KEY_PAGEDOWN, mod)
        case .insert: vterm_keyboard_key(vterm, VTERM_KEY_INS, mod)
        case .delete: vterm_keyboard_key(vterm, VTERM_KEY_DEL, mod)
        case .function(let n):
            guard (1...12).contains(n) else { return }
            vterm_keyboard_key(vterm, VTermKey(rawValue: VTERM_KEY_FUNCTION_0.rawValue + UInt32(n)), mod)
        }
        flushOutput()
    }

    private func sendCharacter(_ ch: Character, modifiers: KeyModifiers) {
        let scalars = Array(ch.unicodeScalars)
        let alt = modifiers.contains(.alt)
        if modifiers.contains(.ctrl), scalars.count == 1 {
            if let control = Terminal.controlByte(for: scalars[0]) {
                if alt { pendingOutput.append(0x1B) }
                pendingOutput.append(control)
            } else {
                // No control byte for it: libvterm's CSI-u form (`ESC [ code ; mod u`).
                var mod = VTERM_MOD_CTRL.rawValue
                if alt { mod |= VTERM_MOD_ALT.rawValue }
                vterm_keyboard_unichar(vterm, scalars[0].value, VTermModifier(rawValue: mod))
            }
            return
        }
        // libvterm's Alt path writes the character as one byte, which breaks
        // anything beyond ASCII: prefix ESC to the UTF-8 ourselves.
        if alt { pendingOutput.append(0x1B) }
        for s in scalars { vterm_keyboard_unichar(vterm, s.value, VTERM_MOD_NONE) }
    }

    /// The C0 byte Ctrl+`scalar` gives on a VT-style keyboard, if any.
    static func controlByte(for scalar: Unicode.Scalar) -> UInt8? {
        switch scalar {
        case "a"..."z": return UInt8(scalar.value - 0x60)
        case "@"..."_": return UInt8(scalar.value - 0x40)   // @ A–Z [ \ ] ^ _
        case " ", "2": return 0x00
        case "3": return 0x1B
        case "4": return 0x1C
        case "5": return 0x1D
        case "6": return 0x1E
        case "7", "/": return 0x1F
        case "?", "8": return 0x7F
        default: return nil
        }
    }

    /// Sends pasted text: wrapped in `ESC [ 200 ~` … `ESC [ 201 ~` when the
    /// program enabled bracketed paste. Line ends become CR, as a typed Enter
    /// (what xterm does); an `ESC [ 201 ~` inside the text is removed so the
    /// paste cannot end the bracket early and type commands.
    public func paste(_ text: String) {
        var body: [UInt8] = []
        body.reserveCapacity(text.utf8.count)
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == 0x0A {
                if previous != 0x0D { body.append(0x0D) }  // CR LF stays one CR
            } else {
                body.append(byte)
            }
            previous = byte
        }
        let bracketed = bracketedPasteMode
        if bracketed { body = Terminal.removing([0x1B, 0x5B, 0x32, 0x30, 0x31, 0x7E], from: body) }
        if bracketed { vterm_keyboard_start_paste(vterm) }
        pendingOutput.append(contentsOf: body)
        if bracketed { vterm_keyboard_end_paste(vterm) }
        flushOutput()
    }

    private static func removing(_ needle: [UInt8], from bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == needle[0], i + needle.count <= bytes.count,
               bytes[i..<(i + needle.count)].elementsEqual(needle) {
                i += needle.count
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    // MARK: Modes libvterm 0.1 does not report

    /// Runs `body` with libvterm's output captured instead of sent.
    func probeOutput(_ body: () -> Void) -> [UInt8] {
        probe = []
        body()
        defer { probe = nil }
        return probe ?? []
    }

    /// DECCKM, read from libvterm's own encoding of the Up key (libvterm has
    /// no getter for its modes), so it is exactly what `sendKey` will do.
    var applicationCursorMode: Bool {
        probeOutput { vterm_keyboard_key(vterm, VTERM_KEY_UP, VTERM_MOD_NONE) } == [0x1B, 0x4F, 0x41]
    }

    /// DECSET 2004: libvterm writes the paste-start marker only when it is on.
    var bracketedPasteMode: Bool {
        !probeOutput { vterm_keyboard_start_paste(vterm) }.isEmpty
    }
}
