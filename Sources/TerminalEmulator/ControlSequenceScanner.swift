#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Watches the byte stream, alongside libvterm, for the few things libvterm
/// does not tell us the same way on every version:
///
/// - window titles (OSC 0 / OSC 2): libvterm 0.1.x drops an OSC split across
///   two writes and 0.2+ hands it over in fragments; the scanner keeps its own
///   state between feeds, so a split title still arrives whole;
/// - SGR 2 (faint), which libvterm has no attribute for;
/// - `ESC [ 3 J` (erase scrollback), which libvterm 0.1.x ignores;
/// - `ESC [ ? 47 h/l`, the oldest alternate-screen switch, which libvterm
///   0.1.x ignores (it knows 1047 and 1049).
///
/// It is a small ECMA-48 recogniser, not a second emulator: everything else is
/// skipped. Its state survives across `next(in:from:)` calls.
struct ControlSequenceScanner {
    /// Something found in the stream; it takes effect after the sequence's last byte.
    enum Event: Equatable {
        case title(String)
        case faintOn
        case eraseScrollback
        /// DECSET / DECRST 47.
        case alternateScreen47(Bool)
    }

    private enum State {
        case ground, escape, csi, osc, oscEscape, ignoredString, ignoredStringEscape
    }

    /// Longest OSC payload kept (libvterm's own string buffer is similar).
    static let oscLimit = 4096
    /// CSI parameters kept (libvterm keeps 16).
    static let paramLimit = 16

    private var state = State.ground
    // CSI being read.
    private var params: [Int32] = []          // -1 = missing; sub-parameters are flagged below
    private var subParam: [Bool] = []
    private var current: Int32 = -1
    private var currentIsSub = false
    private var marker: UInt8 = 0             // private marker (< = > ?), 0 if none
    private var intermediate = false
    // OSC being read.
    private var osc: [UInt8] = []

    init() {
        params.reserveCapacity(Self.paramLimit)
        subParam.reserveCapacity(Self.paramLimit)
    }

    /// Scans `bytes` from `from`; returns the first event and the offset just
    /// past the sequence that caused it, or nil when the rest holds none.
    mutating func next(in bytes: UnsafeRawBufferPointer, from: Int) -> (event: Event, end: Int)? {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        let count = bytes.count
        var i = from
        while i < count {
            if state == .ground {
                // Fast path: jump to the next ESC.
                guard let hit = memchr(base + i, 0x1B, count - i) else { return nil }
                i = UnsafeRawPointer(hit).assumingMemoryBound(to: UInt8.self) - base + 1
                state = .escape
                continue
            }
            let byte = base[i]
            i += 1
            if let event = step(byte) { return (event, i) }
        }
        return nil
    }

    private mutating func step(_ byte: UInt8) -> Event? {
        // CAN and SUB abort any sequence.
        if byte == 0x18 || byte == 0x1A {
            state = .ground
            return nil
        }
        switch state {
        case .ground:
            if byte == 0x1B { state = .escape }
        case .escape:
            startEscape(byte)
        case .csi:
            return csiByte(byte)
        case .osc:
            if byte == 0x07 { state = .ground; return finishOSC() }
            if byte == 0x1B { state = .oscEscape; return nil }
            if osc.count < Self.oscLimit { osc.append(byte) }
        case .oscEscape:
            if byte == 0x5C { state = .ground; return finishOSC() }
            // Any other escape ends the string unfinished and starts anew.
            startEscape(byte)
        case .ignoredString:
            if byte == 0x07 { state = .ground } else if byte == 0x1B { state = .ignoredStringEscape }
        case .ignoredStringEscape:
            if byte == 0x5C { state = .ground } else { startEscape(byte) }
        }
        return nil
    }

    /// The byte after an ESC.
    private mutating func startEscape(_ byte: UInt8) {
        switch byte {
        case 0x5B:  // [
            state = .csi
            params.removeAll(keepingCapacity: true)
            subParam.removeAll(keepingCapacity: true)
            current = -1
            currentIsSub = false
            marker = 0
            intermediate = false
        case 0x5D:  // ]
            state = .osc
            osc.removeAll(keepingCapacity: true)
        case 0x50, 0x58, 0x5E, 0x5F:  // P X ^ _: DCS, SOS, PM, APC
            state = .ignoredString
        case 0x1B:
            state = .escape
        default:
            state = .ground
        }
    }

    private mutating func csiByte(_ byte: UInt8) -> Event? {
        switch byte {
        case 0x30...0x39:
            let digit = Int32(byte - 0x30)
            current = current < 0 ? digit : min(current &* 10 &+ digit, 1_000_000)
        case 0x3B, 0x3A:  // ; or :
            endParam()
            currentIsSub = byte == 0x3A
        case 0x3C...0x3F:  // < = > ?  private markers
            if marker == 0 { marker = byte }
        case 0x20...0x2F:  // intermediates
            intermediate = true
        case 0x40...0x7E:  // final byte
            endParam()
            state = .ground
            return intermediate ? nil : dispatch(final: byte)
        case 0x1B:
            startEscape(byte)
        case 0x00...0x1F:
            break  // C0 controls run inside a CSI without ending it
        default:
            state = .ground  // not a CSI after all
        }
        return nil
    }

    private mutating func endParam() {
        if params.count < Self.paramLimit {
            params.append(current)
            subParam.append(currentIsSub)
        }
        current = -1
        currentIsSub = false
    }

    private func dispatch(final: UInt8) -> Event? {
        if marker == 0x3F, final == 0x68 || final == 0x6C, params.contains(47) {  // ? … h / l
            return .alternateScreen47(final == 0x68)
        }
        guard marker == 0 else { return nil }
        switch final {
        case 0x6D:  // m: SGR
            return sgrTurnsFaintOn() ? .faintOn : nil
        case 0x4A:  // J: ED
            return params.count == 1 && params[0] == 3 ? .eraseScrollback : nil
        default:
            return nil
        }
    }

    /// Reads an SGR's parameters in order as xterm does; true when faint ends up on.
    private func sgrTurnsFaintOn() -> Bool {
        var faint = false
        var i = 0
        while i < params.count {
            if subParam[i] { i += 1; continue }
            switch max(params[i], 0) {
            case 0, 22:
                faint = false
            case 2:
                faint = true
            case 38, 48, 58:
                // `38;5;n` and `38;2;r;g;b` carry their colour in the next
                // parameters, which must not be read as attributes.
                if i + 1 < params.count && !subParam[i + 1] {
                    if params[i + 1] == 5 { i += 2 } else if params[i + 1] == 2 { i += 4 }
                }
            default:
                break
            }
            i += 1
        }
        return faint
    }

    private func finishOSC() -> Event? {
        // "Ps ; Pt": 0 sets icon name and title, 2 the title.
        guard let semicolon = osc.firstIndex(of: 0x3B) else { return nil }
        let command = osc[..<semicolon]
        guard command.elementsEqual([0x30]) || command.elementsEqual([0x32]) else { return nil }
        return .title(String(decoding: osc[(semicolon + 1)...], as: UTF8.self))
    }
}
