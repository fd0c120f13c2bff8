import CNCursesW
import TerminalEmulator

/// Turns what curses reads from the screen's window into `InputEvent`s: keys
/// (with Alt from a leading ESC, and modified keys from curses' extended
/// names), mouse reports and bracketed pastes. Drawing is `Screen`'s; reading
/// must use the same window, so the screen hands it over.
final class InputDecoder {
    private let window: UnsafeMutablePointer<WINDOW>
    private var pendingPaste: String?

    /// Key codes we ask curses to report for the outer terminal's paste brackets.
    private static let pasteStartCode: Int32 = 0x7F00
    private static let pasteEndCode: Int32 = 0x7F01

    /// Sets `window` up for reading: keypad codes, no blocking, 8-bit input,
    /// paste brackets and (with `mouse`) every mouse event.
    init(window: UnsafeMutablePointer<WINDOW>, mouse: Bool) {
        self.window = window
        keypad(window, true)
        nodelay(window, true)
        meta(window, true)
        define_key("\u{1B}[200~", Self.pasteStartCode)
        define_key("\u{1B}[201~", Self.pasteEndCode)
        if mouse {
            mousemask(porthole_mouse_all_events(), nil)
            // Report presses at once rather than waiting to see if they become clicks.
            mouseinterval(0)
        }
    }

    /// The next input event, or nil when curses has nothing more right now.
    func read() -> InputEvent? {
        var wide: wint_t = 0
        let status = wget_wch(window, &wide)
        if status == ERR { return nil }
        if status == KEY_CODE_YES {
            return special(Int32(wide))
        }
        let scalar = Unicode.Scalar(UInt32(wide)) ?? "?"
        if pendingPaste != nil {
            pendingPaste!.unicodeScalars.append(scalar == "\r" ? "\n" : scalar)
            return read()
        }
        if scalar == "\u{1B}" {
            // ESC then a key already waiting is Alt+key (what terminals send for Meta).
            var next: wint_t = 0
            let nextStatus = wget_wch(window, &next)
            if nextStatus == ERR { return .key(KeyPress(.escape)) }
            if nextStatus == KEY_CODE_YES {
                if case .key(var press)? = special(Int32(next)) {
                    press.modifiers.insert(.alt)
                    return .key(press)
                }
                return .key(KeyPress(.escape))
            }
            var press = Self.keyPress(for: Unicode.Scalar(UInt32(next)) ?? "?")
            press.modifiers.insert(.alt)
            return .key(press)
        }
        return .key(Self.keyPress(for: scalar))
    }

    static func keyPress(for scalar: Unicode.Scalar) -> KeyPress {
        switch scalar {
        case "\r", "\n": return KeyPress(.enter)
        case "\t": return KeyPress(.tab)
        case "\u{7F}", "\u{08}": return KeyPress(.backspace)
        case "\u{1B}": return KeyPress(.escape)
        default: return KeyPress(.character(Character(scalar)))
        }
    }

    private func special(_ code: Int32) -> InputEvent? {
        switch code {
        case KEY_RESIZE: return .resize
        case KEY_MOUSE: return mouse()
        case Self.pasteStartCode:
            pendingPaste = ""
            return read()
        case Self.pasteEndCode:
            let text = pendingPaste ?? ""
            pendingPaste = nil
            return .paste(text)
        case KEY_UP: return .key(KeyPress(.up))
        case KEY_DOWN: return .key(KeyPress(.down))
        case KEY_LEFT: return .key(KeyPress(.left))
        case KEY_RIGHT: return .key(KeyPress(.right))
        case KEY_SR: return .key(KeyPress(.up, .shift))
        case KEY_SF: return .key(KeyPress(.down, .shift))
        case KEY_SLEFT: return .key(KeyPress(.left, .shift))
        case KEY_SRIGHT: return .key(KeyPress(.right, .shift))
        case KEY_HOME: return .key(KeyPress(.home))
        case KEY_END: return .key(KeyPress(.end))
        case KEY_SHOME: return .key(KeyPress(.home, .shift))
        case KEY_SEND: return .key(KeyPress(.end, .shift))
        case KEY_PPAGE: return .key(KeyPress(.pageUp))
        case KEY_NPAGE: return .key(KeyPress(.pageDown))
        case KEY_IC: return .key(KeyPress(.insert))
        case KEY_DC: return .key(KeyPress(.delete))
        case KEY_BACKSPACE: return .key(KeyPress(.backspace))
        case KEY_ENTER: return .key(KeyPress(.enter))
        case KEY_BTAB: return .key(KeyPress(.tab, .shift))
        default: break
        }
        let f1 = porthole_key_f(1)
        if code >= f1, code < f1 + 48 {
            // Curses numbers shifted F-keys F13–F24, ctrl F25–F36, ctrl+shift F37–F48.
            let n = Int(code - f1)
            let modifiers: [KeyModifiers] = [[], .shift, .ctrl, [.ctrl, .shift]]
            return .key(KeyPress(.function(n % 12 + 1), modifiers[n / 12]))
        }
        return extendedKey(code)
    }

    /// Modified arrows and the like have no fixed code: curses names them
    /// (`kUP5` = Ctrl-Up) and the name's digit is xterm's modifier number.
    private func extendedKey(_ code: Int32) -> InputEvent? {
        guard let cName = keyname(code) else { return nil }
        let name = String(cString: cName)
        let bases: [(String, TerminalKey)] = [
            ("kUP", .up), ("kDN", .down), ("kLFT", .left), ("kRIT", .right), ("kHOM", .home),
            ("kEND", .end), ("kPRV", .pageUp), ("kNXT", .pageDown), ("kDC", .delete), ("kIC", .insert),
        ]
        for (prefix, key) in bases where name.hasPrefix(prefix) {
            guard let number = Int(name.dropFirst(prefix.count)), number >= 2 else { continue }
            let bits = number - 1
            var modifiers: KeyModifiers = []
            if bits & 1 != 0 { modifiers.insert(.shift) }
            if bits & 2 != 0 { modifiers.insert(.alt) }
            if bits & 4 != 0 { modifiers.insert(.ctrl) }
            return .key(KeyPress(key, modifiers))
        }
        return nil
    }

    private func mouse() -> InputEvent? {
        var event = MEVENT()
        guard getmouse(&event) == OK else { return nil }
        let state = event.bstate
        let action: MouseInput.Action
        if state & porthole_mouse_wheel_up() != 0 {
            action = .wheelUp
        } else if state & porthole_mouse_wheel_down() != 0 {
            action = .wheelDown
        } else if state & (porthole_mouse_button3_pressed() | porthole_mouse_button3_clicked()) != 0 {
            action = .rightPress
        } else if state & (porthole_mouse_button1_pressed() | porthole_mouse_button1_clicked()) != 0 {
            action = .press
        } else if state & porthole_mouse_button1_released() != 0 {
            action = .release
        } else if state & porthole_mouse_button3_released() != 0 {
            action = .rightRelease
        } else {
            return nil
        }
        return .mouse(MouseInput(action: action, column: Int(event.x), row: Int(event.y)))
    }
}
