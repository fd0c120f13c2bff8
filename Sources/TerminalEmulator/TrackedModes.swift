/// Terminal state that decides whether plain text may skip libvterm (see
/// `Terminal+FastPath.swift`) and that libvterm cannot be asked about: the
/// scanner follows the sequences that change it, as libvterm applies them.
///
/// The scroll region libvterm reports on request (DECRQSS, which unlike a
/// CSI query cannot move its cursor); `needsProbe` says a sequence may have
/// changed it since the last request.
struct TrackedModes: Equatable {
    /// IRM (SM/RM 4): text is inserted, not written over.
    var insert = false
    /// LNM (SM/RM 20): LF also returns the carriage.
    var newline = false
    /// DECAWM (DECSET 7): text wraps at the right edge.
    var autowrap = true
    /// DECOM (DECSET 6): positions are relative to the scroll region.
    var origin = false
    /// DECLRMM (DECSET 69): left and right margins are in force.
    var leftRightMargins = false
    /// Per G0–G3: the set designated decodes ASCII bytes as ASCII (US-ASCII
    /// or UTF-8, not DEC line drawing or the UK set).
    var asciiSets: (Bool, Bool, Bool, Bool) = (true, true, true, true)
    /// The set invoked into GL (SI/SO/LS2/LS3).
    var shiftedIn = 0
    /// SS2/SS3 seen and not yet used up: the next character comes from G2/G3.
    var singleShift = false
    /// DECSCA: new characters are protected from selective erase.
    var protected = false
    /// Tab stops are every eighth column, as at reset (no HTS or TBC since).
    var defaultTabStops = true
    /// Some line was made double width or height (DECDWL/DECDHL); libvterm
    /// keeps such lines in a table that only its own scrolling keeps right.
    var doubleWidthLines = false
    /// The scroll region may have changed: ask libvterm again before the
    /// next fast run.
    var needsProbe = true

    static func == (a: TrackedModes, b: TrackedModes) -> Bool {
        a.insert == b.insert && a.newline == b.newline && a.autowrap == b.autowrap && a.origin == b.origin
            && a.leftRightMargins == b.leftRightMargins && a.asciiSets == b.asciiSets
            && a.shiftedIn == b.shiftedIn && a.singleShift == b.singleShift && a.protected == b.protected
            && a.defaultTabStops == b.defaultTabStops && a.doubleWidthLines == b.doubleWidthLines
            && a.needsProbe == b.needsProbe
    }

    /// GL decodes ASCII bytes as themselves and text and line feeds get no
    /// special handling.
    var textIsPlain: Bool {
        !insert && !newline && autowrap && !origin && !leftRightMargins && !singleShift && !protected
            && !doubleWidthLines && isASCII(set: shiftedIn)
    }

    /// DECSET / DECRST of one mode.
    mutating func setPrivateMode(_ mode: Int32, _ on: Bool) {
        switch mode {
        case 6: origin = on
        case 7: autowrap = on
        case 69: leftRightMargins = on
        default: break
        }
    }

    func isASCII(set: Int) -> Bool {
        switch set {
        case 0: return asciiSets.0
        case 1: return asciiSets.1
        case 2: return asciiSets.2
        default: return asciiSets.3
        }
    }

    /// ESC ( ) * + followed by `final`: libvterm knows B, 0 and A, and keeps
    /// the old set for anything else.
    mutating func designate(set: Int, final: UInt8) {
        let ascii: Bool
        switch final {
        case 0x42: ascii = true            // B: US-ASCII
        case 0x30, 0x41: ascii = false     // 0: DEC line drawing, A: UK
        default: return
        }
        switch set {
        case 0: asciiSets.0 = ascii
        case 1: asciiSets.1 = ascii
        case 2: asciiSets.2 = ascii
        default: asciiSets.3 = ascii
        }
    }

    /// A C0 control libvterm runs wherever it appears (SO, SI).
    mutating func control(_ byte: UInt8) {
        if byte == 0x0E { shiftedIn = 1 } else if byte == 0x0F { shiftedIn = 0 }
    }

    /// RIS or DECSTR: libvterm's reset puts all of this back.
    mutating func reset() {
        self = TrackedModes()
    }
}
