import CVTerm
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Watches the byte stream, alongside libvterm, for what libvterm does not
/// handle the same way on every version:
///
/// - window titles (OSC 0 / OSC 2): libvterm 0.1 drops an OSC split across
///   two writes and 0.2+ hands it over in fragments; the scanner keeps its own
///   state between feeds, so a split title still arrives whole;
/// - SGR 2 (faint), which libvterm has no attribute for;
/// - `ESC [ 3 J` (erase scrollback), which libvterm 0.1 ignores;
/// - `ESC [ ? 47 h/l`, the oldest alternate-screen switch, which libvterm 0.1
///   ignores (it knows 1047 and 1049);
/// - cursor restores (DECRC `ESC 8`, SCORC `ESC [ u`, DECRST 1048/1049):
///   libvterm 0.1 restores a cursor saved before a resize without clamping it;
/// - RIS (`ESC c`): libvterm's reset leaves the alternate screen without
///   saying so and keeps reverse video and mouse reporting on;
/// - APC, PM and SOS strings, whose contents libvterm 0.1 prints as text;
/// - OSC 52 (set the clipboard), which libvterm ignores: the owner decides
///   whether a program may write the user's clipboard;
/// - DCS strings: libvterm 0.1 crashes answering a DECRQSS it does not know
///   (a bad printf format), so only the requests it answers are passed on;
/// - REP (`ESC [ Ps b`), on which libvterm 0.1 loops forever when the last
///   character it printed had width 0 (or none was printed yet);
/// - CSI sequences with more than 16 parameters, which crash libvterm 0.1
///   (its parser writes past its argument array): the extra parameters are
///   withheld, as xterm ignores them.
///
/// Withheld bytes are never given to libvterm.
/// The states follow libvterm's parser (C0 controls run inside sequences,
/// CAN/SUB cancel, ESC inside a string is ST or starts a new escape) so both
/// see the same sequences. It is a recogniser, not a second emulator.
struct ControlSequenceScanner {
    /// Something found in the stream; it takes effect at the returned offset.
    enum Event: Equatable {
        case title(String)
        /// OSC 52: a program asked to set (or read) the clipboard.
        case clipboard(ClipboardRequest)
        case faintOn
        case eraseScrollback
        /// DECSET / DECRST 47.
        case alternateScreen47(Bool)
        /// The program restored a saved cursor.
        case cursorRestored
        /// The final byte of a REP, at the event's offset, not yet given to
        /// libvterm: the terminal decides whether libvterm may run it.
        case repeatFinal
        /// The `c` of a RIS, at the event's offset, not yet given to libvterm.
        case fullResetFinal
        /// The stream is between sequences here (asked for with `reportGround`).
        case groundReached
        /// Bytes from here on are withheld from libvterm. With `cancelEscape`
        /// libvterm has been given an ESC that must now be cancelled (CAN).
        case withholdStart(cancelEscape: Bool)
        /// Bytes from here on go to libvterm again. With `escapePending` the
        /// withheld string was cut short by an ESC that starts a new sequence
        /// here: libvterm must be given that ESC first. `replacement` is what
        /// libvterm gets instead of the withheld bytes (a safe DECRQSS).
        case withholdEnd(escapePending: Bool, replacement: [UInt8])
    }

    private enum State {
        case ground
        case escape
        case csi
        case osc
        /// DCS, APC, PM or SOS: withheld from libvterm.
        case withheldString
    }

    private enum CSIPhase { case leader, params, intermediate }

    /// Longest OSC payload kept (libvterm's own string buffer is similar).
    static let oscLimit = 4096
    /// Longest OSC 52 payload kept: the base64 of `ClipboardRequest.textLimit`
    /// bytes plus the selection letters. Longer ones are reported as too long,
    /// never cut short and passed on.
    static let clipboardOSCLimit = 16 + (ClipboardRequest.textLimit + 2) / 3 * 4

    private var state = State.ground
    /// In a string state, the last byte was ESC (ST may follow).
    private var stringEscape = false
    /// In the escape state: the first intermediate (0x20–0x2F) seen, 0 if
    /// none, and how many there were.
    private var escapeIntermediate: UInt8 = 0
    private var escapeIntermediates = 0
    // CSI being read.
    private var phase = CSIPhase.leader
    private var params = CSIParameters()      // -1 = missing
    private var current: Int32 = -1
    private var currentIsSub = false
    private var marker: UInt8 = 0             // private leader (< = > ?), 0 if none
    private var intermediate = false
    private var intermediateByte: UInt8 = 0
    private var intermediates = 0
    private var separators = 0                // ';' and ':' seen
    private var tooManyParams = false
    /// Bytes are being withheld from libvterm.
    private(set) var withholding = false
    /// Set to get a `groundReached` event at the next point between sequences.
    var reportGround = false
    /// Set (outside ground) to get a `groundReached` event as soon as the
    /// sequence being read ends; cleared when it fires.
    var stopAtGround = false
    /// Modes the fast path depends on, as the sequences seen so far left them.
    var modes = TrackedModes()

    /// Between sequences: libvterm's parser is idle too, so the terminal may
    /// give it sequences of its own.
    var isGround: Bool { state == .ground && !withholding }
    // OSC or DCS payload being read.
    private var osc: [UInt8] = []
    /// The OSC being read had more bytes than could be kept.
    private var oscOverflow = false
    private var dcs: [UInt8] = []
    private var isDCS = false

    /// DECRQSS requests libvterm 0.1 answers (`$q` + setting); any other
    /// makes it pass a length where printf expects a string.
    static let answeredStatusRequests: Set<[UInt8]> = Set(["$qm", "$qr", "$qs", "$q q", "$q\"q"].map { Array($0.utf8) })
    static let dcsLimit = 8

    /// libvterm 0.1 files DECSTR (`ESC [ ! p`) under a leader byte instead of
    /// an intermediate, so never runs it, and applies only the first mode of
    /// a DECSET; 0.2+ does a soft reset and sets every mode listed.
    static let softResetWorks = porthole_vterm_modern() != 0

    /// libvterm 0.1 crashes on the 16th separator of one CSI.
    static let separatorLimit = 15

    /// libvterm 0.1 opens a CSI, OSC or DCS on `[`, `]` or `P` even after an
    /// escape's intermediate bytes; 0.2+ ends the escape there. The scanner
    /// must see the same sequences as the libvterm it runs with.
    static let introducersAfterIntermediates = porthole_vterm_modern() == 0

    /// Scans `bytes` from `from`; returns the first event, the offset where it
    /// takes effect, and where to go on scanning; nil when the rest holds none.
    /// Takes the ESC at the start of a sequence the caller found itself.
    mutating func enterEscape() {
        beginEscape()
    }

    private mutating func beginEscape() {
        state = .escape
        escapeIntermediate = 0
        escapeIntermediates = 0
    }

    mutating func next(in bytes: UnsafeRawBufferPointer, from: Int) -> (event: Event, at: Int, resume: Int)? {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        let count = bytes.count
        var i = from
        while i < count {
            if (reportGround || stopAtGround) && isGround {
                reportGround = false
                stopAtGround = false
                return (.groundReached, i, i)
            }
            if state == .ground {
                // Fast path: jump to the next ESC.
                guard let hit = memchr(base + i, 0x1B, count - i) else { return nil }
                i = UnsafeRawPointer(hit).assumingMemoryBound(to: UInt8.self) - base + 1
                beginEscape()
                continue
            }
            if state == .csi, phase == .params, !withholding {
                // Fast path through parameter digits and separators, the
                // bulk of colour-heavy output.
                while i < count {
                    let b = base[i]
                    if b &- 0x30 < 10 {
                        let digit = Int32(b &- 0x30)
                        current = current < 0 ? digit : min(current &* 10 &+ digit, 1_000_000)
                    } else if (b == 0x3B || b == 0x3A) && separators < Self.separatorLimit {
                        separators += 1
                        endParam()
                        currentIsSub = b == 0x3A
                    } else {
                        break
                    }
                    i += 1
                }
                guard i < count else { return nil }
            }
            let byte = base[i]
            if state == .withheldString, stringEscape, byte != 0x5C {
                // ESC cut the hidden string short: hand over, then read this
                // byte as the start of a new escape (without consuming it).
                stringEscape = false
                beginEscape()
                withholding = false
                return (.withholdEnd(escapePending: true, replacement: []), i, i)
            }
            if state == .csi, phase != .intermediate {
                let isParamByte = (0x30...0x3B).contains(byte)
                if isParamByte, byte >= 0x3A {
                    if separators >= Self.separatorLimit { tooManyParams = true }
                    separators += 1
                }
                if isParamByte, tooManyParams, !withholding {
                    withholding = true
                    _ = step(byte)
                    return (.withholdStart(cancelEscape: false), i, i + 1)
                }
                if !isParamByte, withholding {
                    withholding = false
                    return (.withholdEnd(escapePending: false, replacement: []), i, i)
                }
            }
            i += 1
            if let event = step(byte) {
                switch event {
                case .withholdStart, .repeatFinal, .fullResetFinal:
                    return (event, i - 1, i)  // that byte is not passed on yet
                default: return (event, i, i)
                }
            }
        }
        return nil
    }

    private mutating func step(_ byte: UInt8) -> Event? {
        if byte == 0x00 || byte == 0x7F { return nil }          // ignored everywhere
        let inString = state == .osc || state == .withheldString
        if byte == 0x18 || byte == 0x1A {                       // CAN, SUB cancel
            let wasWithheld = state == .withheldString
            state = .ground
            stringEscape = false
            guard wasWithheld else { return nil }
            withholding = false
            return .withholdEnd(escapePending: false, replacement: [])
        }
        if byte == 0x1B {
            if inString { stringEscape = true } else { beginEscape() }
            return nil
        }
        if inString {
            if stringEscape {
                stringEscape = false
                if byte == 0x5C { return finishString() }      // ESC \ = ST
                // The string ends unfinished; ESC + this byte is a new escape.
                beginEscape()
                return escapeByte(byte)
            }
            if byte == 0x07 { return finishString() }          // BEL ends strings too
            // libvterm runs C0 controls inside an OSC too; withheld strings it never sees.
            if byte < 0x20, state == .osc { modes.control(byte) }
            if byte >= 0x20 {
                if state == .osc {
                    if osc.count < oscCapacity { osc.append(byte) } else { oscOverflow = true }
                } else if isDCS, dcs.count <= Self.dcsLimit {
                    dcs.append(byte)
                }
            }
            return nil
        }
        if byte < 0x20 {                                        // C0 runs without ending anything
            modes.control(byte)
            return nil
        }
        switch state {
        case .escape: return escapeByte(byte)
        case .csi: return csiByte(byte)
        default: return nil
        }
    }

    /// A byte after ESC (and any intermediates).
    private mutating func escapeByte(_ byte: UInt8) -> Event? {
        let introducer = byte == 0x5B || byte == 0x5D || byte == 0x50
        switch byte {
        case 0x20...0x2F:
            if escapeIntermediates == 0 { escapeIntermediate = byte }
            escapeIntermediates += 1
        case 0x40...0x5F where escapeIntermediates == 0 || (introducer && Self.introducersAfterIntermediates):
            // 7-bit forms of C1 controls.
            switch byte {
            case 0x5B:  // [
                state = .csi
                phase = .leader
                params.removeAll()
                current = -1
                currentIsSub = false
                marker = 0
                intermediate = false
                intermediates = 0
                separators = 0
                tooManyParams = false
            case 0x5D:  // ]
                state = .osc
                // Nor the buffer of a big one that was cancelled.
                osc.removeAll(keepingCapacity: osc.capacity <= Self.oscLimit)
                oscOverflow = false
            case 0x50, 0x58, 0x5E, 0x5F:  // P X ^ _: DCS, SOS, PM, APC
                state = .withheldString
                isDCS = byte == 0x50
                dcs.removeAll(keepingCapacity: true)
                withholding = true
                return .withholdStart(cancelEscape: true)
            case 0x4E, 0x4F:  // N O: SS2, SS3
                modes.singleShift = true
                state = .ground
            case 0x48:        // H: HTS
                modes.defaultTabStops = false
                state = .ground
            default:
                state = .ground
            }
        case 0x30...0x7E:
            state = .ground
            guard escapeIntermediates == 0 else {
                escapeFinal(byte)
                return nil
            }
            switch byte {
            case 0x38: return .cursorRestored            // ESC 8: DECRC
            case 0x63:                                   // ESC c: RIS
                modes.reset()
                return .fullResetFinal
            case 0x6E: modes.shiftedIn = 2               // ESC n: LS2
            case 0x6F: modes.shiftedIn = 3               // ESC o: LS3
            default: break
            }
            return nil
        default:
            break  // libvterm ignores other bytes inside an escape
        }
        return nil
    }

    /// The final byte of an escape with intermediates: character set
    /// designations and line size changes matter to the fast path.
    private mutating func escapeFinal(_ byte: UInt8) {
        guard escapeIntermediates == 1 else { return }
        switch escapeIntermediate {
        case 0x28...0x2B:  // ( ) * +: SCS for G0–G3
            modes.designate(set: Int(escapeIntermediate - 0x28), final: byte)
        case 0x23:         // #: DECDHL (3, 4), DECDWL (6)
            if byte == 0x33 || byte == 0x34 || byte == 0x36 { modes.doubleWidthLines = true }
        default:
            break
        }
    }

    private mutating func csiByte(_ byte: UInt8) -> Event? {
        if phase == .leader {
            if (0x3C...0x3F).contains(byte) {
                if marker == 0 { marker = byte }
                return nil
            }
            phase = .params
        }
        if phase == .params {
            switch byte {
            case 0x30...0x39:
                let digit = Int32(byte - 0x30)
                current = current < 0 ? digit : min(current &* 10 &+ digit, 1_000_000)
                return nil
            case 0x3A, 0x3B:  // : or ;
                endParam()
                currentIsSub = byte == 0x3A
                return nil
            default:
                endParam()
                phase = .intermediate
            }
        }
        switch byte {
        case 0x20...0x2F:
            if !intermediate { intermediateByte = byte }
            intermediates += 1
            intermediate = true
            return nil
        case 0x40...0x7E:
            state = .ground
            guard !intermediate else {
                dispatchWithIntermediate(final: byte)
                return nil
            }
            return dispatch(final: byte)
        default:
            state = .ground  // not a valid CSI; libvterm drops it too
            return nil
        }
    }

    private mutating func endParam() {
        params.append(current, isSub: currentIsSub)
        current = -1
        currentIsSub = false
    }

    /// DECSCA and DECSTR change what the fast path relies on.
    private mutating func dispatchWithIntermediate(final: UInt8) {
        guard marker == 0, intermediates == 1 else { return }
        if intermediateByte == 0x22, final == 0x71 {          // " q: DECSCA
            switch params.count > 0 ? max(params[0], 0) : 0 {
            case 0, 2: modes.protected = false
            case 1: modes.protected = true
            default: break
            }
        } else if intermediateByte == 0x21, final == 0x70, Self.softResetWorks {   // ! p: DECSTR
            modes.reset()
        }
    }

    private mutating func dispatch(final: UInt8) -> Event? {
        if marker == 0x3F, final == 0x68 || final == 0x6C {  // DECSET / DECRST
            // libvterm 0.1 sets the first mode only, 0.2+ all of them.
            for i in 0..<(Self.softResetWorks ? params.count : min(params.count, 1)) where !params.isSub(i) {
                modes.setPrivateMode(params[i], final == 0x68)
            }
            if params.contains(47) { return .alternateScreen47(final == 0x68) }
            if final == 0x6C, params.contains(1048) || params.contains(1049) { return .cursorRestored }
            return nil
        }
        guard marker == 0 else { return nil }
        switch final {
        case 0x68, 0x6C:  // h l: SM, RM (libvterm applies the first parameter only)
            if params.count > 0 {
                if params[0] == 4 { modes.insert = final == 0x68 }
                if params[0] == 20 { modes.newline = final == 0x68 }
            }
            return nil
        case 0x72:  // r: DECSTBM
            modes.needsProbe = true
            return nil
        case 0x67:  // g: TBC
            modes.defaultTabStops = false
            return nil
        case 0x6D:  // m: SGR
            return params.containsTwo && sgrTurnsFaintOn() ? .faintOn : nil
        case 0x4A:  // J: ED
            return params.count == 1 && params[0] == 3 ? .eraseScrollback : nil
        case 0x75:  // u: SCORC
            return .cursorRestored
        case 0x62:  // b: REP
            return .repeatFinal
        default:
            return nil
        }
    }

    /// Reads an SGR's parameters in order as xterm does; true when faint ends up on.
    private func sgrTurnsFaintOn() -> Bool {
        var faint = false
        var i = 0
        while i < params.count {
            if params.isSub(i) { i += 1; continue }
            switch max(params[i], 0) {
            case 0, 22:
                faint = false
            case 2:
                faint = true
            case 38, 48, 58:
                // `38;5;n` and `38;2;r;g;b` carry their colour in the next
                // parameters, which must not be read as attributes.
                if i + 1 < params.count && !params.isSub(i + 1) {
                    if params[i + 1] == 5 { i += 2 } else if params[i + 1] == 2 { i += 4 }
                }
            default:
                break
            }
            i += 1
        }
        return faint
    }

    private mutating func finishString() -> Event? {
        let finished = state
        state = .ground
        switch finished {
        case .osc:
            if osc.starts(with: Self.clipboardCommand) {
                let request = ClipboardRequest(oscPayload: osc.dropFirst(Self.clipboardCommand.count), overflowed: oscOverflow)
                // A big clipboard write's buffer is not kept for the pane's lifetime.
                if osc.capacity > Self.oscLimit { osc = [] }
                return .clipboard(request)
            }
            return titleFromOSC()
        case .withheldString:
            withholding = false
            guard isDCS, Self.answeredStatusRequests.contains(dcs) else {
                return .withholdEnd(escapePending: false, replacement: [])
            }
            return .withholdEnd(escapePending: false, replacement: [0x1B, 0x50] + dcs + [0x1B, 0x5C])
        default: return nil
        }
    }

    private static let clipboardCommand: [UInt8] = Array("52;".utf8)

    /// How many OSC bytes are kept: more for a clipboard write (`52;`).
    private var oscCapacity: Int {
        osc.count >= 3 && osc[0] == 0x35 && osc[1] == 0x32 && osc[2] == 0x3B ? Self.clipboardOSCLimit : Self.oscLimit
    }

    private func titleFromOSC() -> Event? {
        // "Ps ; Pt": 0 sets icon name and title, 2 the title.
        guard let semicolon = osc.firstIndex(of: 0x3B) else { return nil }
        let command = osc[..<semicolon]
        guard command.elementsEqual([0x30]) || command.elementsEqual([0x32]) else { return nil }
        return .title(String(decoding: osc[(semicolon + 1)...], as: UTF8.self))
    }
}
