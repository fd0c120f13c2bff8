/// Where the terminal's fast path for plain text stands against libvterm.
///
/// The fast path writes printable ASCII, CR, LF, BS, TAB and common SGR
/// sequences straight into the grid; libvterm does not see those bytes. Before libvterm
/// gets anything else it is brought up to date (`Terminal.catchUpLibvterm`):
/// cursor, pending wrap, the last character (what a combining mark joins and
/// REP repeats) and pen.
///
/// Kept behind a pointer for the same reason as `LiveState`.
struct FastPathState {
    /// libvterm told its scroll region at the last probe.
    var regionKnown = false
    /// The scroll region, as of the last probe: rows `scrollTop..<scrollBottom`.
    var scrollTop = 0
    var scrollBottom = 0

    /// The fast path moved the cursor or wrote since libvterm last saw the state.
    var ahead = false
    /// What fast SGRs did to the pen since libvterm last saw it.
    var penChanges = Pen.Changes()
    /// The cursor waits at the right edge: the next character wraps first
    /// (libvterm's "phantom" column). Meaningful while `ahead`.
    var pendingWrap = false
    /// The last character the fast path printed and where, in the
    /// coordinates it had then (libvterm's combining and REP use those);
    /// `glyphRow` is -1 when none since libvterm was last up to date.
    var glyphRow = -1
    var glyphCol = 0
    var glyphChar: UInt8 = 0
}
