/// What of an instance's log reaches a log pane's emulator: text, tabs, line
/// ends and colours (SGR), nothing that drives the terminal. A log is data
/// written by whatever runs in the instance, not a program the operator chose
/// to run in a terminal: a stray or hostile `ESC ] 52` (clipboard), `ESC [ 2 J`
/// (clear), `ESC [ ? 1049 h` (alternate screen), cursor moves that overwrite
/// earlier lines, mouse modes, title changes, queries the emulator would
/// answer, or a charset shift would otherwise act on the pane (k9s's log view
/// keeps colours and drops the rest the same way).
///
/// Each LF becomes CR LF: a log line starts at column 0 whatever the last
/// one left. Escape strings (OSC, DCS, APC, PM, SOS) also end at a line feed,
/// so an unterminated `ESC ]` in a log hides one line, not the rest of it.
///
/// Stateful across chunks (a sequence may be split between two reads); one
/// filter per stream, used by one task.
struct LogOutputFilter {
    private enum State {
        case ground
        /// After ESC.
        case escape
        /// After ESC and intermediate bytes (`ESC ( 0`): dropped with its final byte.
        case escapeIntermediate
        /// Inside `ESC [`: the sequence so far is in `sequence`.
        case controlSequence
        /// Inside an escape string, dropped to its terminator.
        case string
        /// ESC inside an escape string: `\` ends it.
        case stringEscape
        /// After 0xC2: a C1 control (U+0080–U+009F) follows or a plain character.
        case c1Lead
    }

    /// The longest colour sequence kept (`ESC [ 38;2;255;255;255;48;2;…m` fits).
    static let longestSequence = 64
    /// At most this many parameters in a kept colour sequence (libvterm's limit is 16).
    static let mostParameters = 16

    private var state = State.ground
    private var sequence: [UInt8] = []
    private var sequenceTooLong = false

    /// The bytes of `chunk` that may reach the emulator, LF as CR LF.
    mutating func filter(_ chunk: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(chunk.count + chunk.count / 16)
        for byte in chunk { take(byte, into: &out) }
        return out
    }

    private mutating func take(_ byte: UInt8, into out: inout [UInt8]) {
        switch state {
        case .ground:
            ground(byte, into: &out)
        case .escape:
            switch byte {
            case 0x5B:  // [
                state = .controlSequence
                sequence = [0x1B, 0x5B]
                sequenceTooLong = false
            case 0x5D, 0x50, 0x58, 0x5E, 0x5F:  // ] P X ^ _: OSC, DCS, SOS, PM, APC
                state = .string
            case 0x20...0x2F:
                state = .escapeIntermediate
            case 0x1B:
                break  // a second ESC starts over
            case 0x00...0x1F:
                state = .ground
                ground(byte, into: &out)
            default:
                state = .ground  // ESC c (reset), ESC 7/8, ESC M, ESC =: dropped
            }
        case .escapeIntermediate:
            switch byte {
            case 0x20...0x2F: break
            case 0x00...0x1F:
                state = .ground
                ground(byte, into: &out)
            default: state = .ground
            }
        case .controlSequence:
            switch byte {
            case 0x20...0x3F:
                if sequence.count < Self.longestSequence { sequence.append(byte) } else { sequenceTooLong = true }
            case 0x40...0x7E:
                state = .ground
                if byte == 0x6D, isColour() { out += sequence + [byte] }
            case 0x7F:
                break
            default:
                // A control or a non-ASCII byte inside the sequence: drop the sequence, keep the byte.
                state = .ground
                ground(byte, into: &out)
            }
        case .string:
            switch byte {
            case 0x07, 0x18, 0x1A: state = .ground  // BEL ends an OSC; CAN and SUB cancel
            case 0x1B: state = .stringEscape
            case 0x0A:
                state = .ground
                ground(byte, into: &out)
            default: break
            }
        case .stringEscape:
            if byte == 0x5C {
                state = .ground  // ST
            } else {
                state = .escape
                take(byte, into: &out)
            }
        case .c1Lead:
            state = .ground
            if (0x80...0x9F).contains(byte) { return }  // C1 control: CSI, OSC, DCS as one character
            out.append(0xC2)
            ground(byte, into: &out)
        }
    }

    private mutating func ground(_ byte: UInt8, into out: inout [UInt8]) {
        switch byte {
        case 0x0A: out += [0x0D, 0x0A]
        case 0x09, 0x0D: out.append(byte)
        case 0x1B: state = .escape
        case 0xC2: state = .c1Lead
        case 0x00...0x1F, 0x7F: break  // BEL, BS, SO/SI and the other controls
        default: out.append(byte)
        }
    }

    /// Whether the collected `ESC [ … m` is plain SGR: digits, `;` and `:` only, not too many.
    private func isColour() -> Bool {
        guard !sequenceTooLong else { return false }
        let parameters = sequence.dropFirst(2)
        guard parameters.allSatisfy({ (0x30...0x3B).contains($0) }) else { return false }
        return parameters.filter { $0 == 0x3B || $0 == 0x3A }.count < Self.mostParameters
    }
}
