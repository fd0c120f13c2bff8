import Foundation

/// What a program asked of the clipboard with OSC 52
/// (`ESC ] 52 ; Pc ; Pd BEL` or `… ESC \`): `Pc` names selections (`c`
/// clipboard, `p` primary, `s`, `0`–`7`; empty means `s 0`), `Pd` is the text
/// in base64, or `?` to read the selection back.
///
/// The emulator only reports it (`Terminal.onClipboard`): whether a program
/// may reach the user's clipboard is its owner's decision.
public enum ClipboardRequest: Equatable, Sendable {
    /// Set the selections to `text` (UTF-8 decoded from base64; empty clears).
    case set(selections: String, text: String)
    /// The program asked to read the clipboard. Never answered: a program in
    /// an instance must not read the user's clipboard.
    case query(selections: String)
    /// The text was longer than `textLimit` bytes: nothing is set.
    case tooLong(selections: String)
    /// `Pd` was not base64: nothing is set.
    case malformed(selections: String)

    /// Largest text a program may set (before base64), as tmux's default
    /// limits a set-clipboard write to about this much.
    public static let textLimit = 100 * 1024

    /// The selection letters of any request.
    public var selections: String {
        switch self {
        case .set(let s, _), .query(let s), .tooLong(let s), .malformed(let s): s
        }
    }

    /// Reads `Pc ; Pd` (after `52;`); `overflowed` when the scanner could not keep all of it.
    init(oscPayload: ArraySlice<UInt8>, overflowed: Bool) {
        guard let semicolon = oscPayload.firstIndex(of: 0x3B) else {
            self = .malformed(selections: String(decoding: oscPayload.prefix(8), as: UTF8.self))
            return
        }
        let selections = String(decoding: oscPayload[..<semicolon], as: UTF8.self)
        let data = oscPayload[(semicolon + 1)...]
        if overflowed {
            self = .tooLong(selections: selections)
        } else if data.elementsEqual([0x3F]) {
            self = .query(selections: selections)
        } else if let decoded = Self.decodeBase64(data) {
            if decoded.count > Self.textLimit {
                self = .tooLong(selections: selections)
            } else {
                self = .set(selections: selections, text: String(decoding: decoded, as: UTF8.self))
            }
        } else {
            self = .malformed(selections: selections)
        }
    }

    /// Strict base64; missing `=` padding is accepted, as xterm does.
    private static func decodeBase64(_ bytes: ArraySlice<UInt8>) -> Data? {
        var padded = Array(bytes)
        while padded.count % 4 != 0 { padded.append(0x3D) }
        return Data(base64Encoded: Data(padded))
    }
}
