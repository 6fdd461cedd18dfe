/// What `gangway replay` writes to the viewer's own terminal: a recording's output minus the control sequences that
/// act outside the screen being drawn. A recording is whatever programs on a host printed, an attacker's included;
/// replayed raw (as `asciinema play` or `cat` do) it reaches the auditor's terminal, where an OSC 52 sets their
/// clipboard, a status or title report (DSR, DA, `CSI 21 t`) types the terminal's answer into whatever reads the
/// terminal next, and mouse, focus or keyboard-protocol modes stay on after the replay ends.
///
/// Left out, each counted:
/// - **reports**: requests the terminal answers as if typed — DSR/CPR (`CSI n`), DA (`CSI c`), DECREQTPARM (`CSI x`),
///   DECRQM (`CSI $ p`), DECRQTSR (`CSI $ u`), DECRQPSR (`CSI $ w`), DECRQCRA (`CSI * y`), XTVERSION (`CSI > q`), the
///   kitty keyboard query (`CSI ? u`), DECID (`ESC Z`), ENQ — the window operations and title reports of `CSI t`, and
///   media copy (`CSI i`, printer pass-through);
/// - **strings**: OSC (titles, clipboard, hyperlinks, colours), DCS (DECRQSS, XTGETTCAP, sixel), APC, PM, SOS;
/// - **input modes**: private modes that change what the terminal sends (mouse 9 and 1000–1016, focus 1004, bracketed
///   paste 2004, 2031, 2048), XTMODKEYS (`CSI > m`), kitty keyboard flags (`CSI > u`, `CSI < u`, `CSI = u`) and
///   XTSAVE/XTRESTORE of private modes (`CSI ? s`, `CSI ? r`);
/// - **C1 controls** written as UTF-8 (U+0080–U+009F: some terminals act on U+009B as CSI).
///
/// Everything that draws passes unchanged: text, C0 controls, cursor movement, erasing, scrolling, SGR, charsets,
/// the alternate screen. I/O-free and streaming: a sequence split between two writes is held until complete (at most
/// `maxSequence` bytes; a longer one is dropped whole as garbage).
public struct ReplayOutputFilter: Sendable {
    public struct Dropped: Sendable, Equatable {
        public var reports = 0
        public var strings = 0
        public var inputModes = 0
        public var c1Controls = 0
        public var oversized = 0
        public init() {}
        public var total: Int { reports + strings + inputModes + c1Controls + oversized }
    }

    public private(set) var dropped = Dropped()
    /// The longest escape or control sequence held while it is incomplete.
    public static let maxSequence = 256

    private enum State: Sendable {
        case ground
        /// After ESC; `held` has the ESC and any intermediates.
        case escape
        /// After ESC [ (or more of a CSI); `held` has it all.
        case csi
        /// Inside OSC/DCS/APC/PM/SOS (dropped byte by byte); `sawEscape`: the last byte was ESC (ST is ESC \).
        case string(sawEscape: Bool)
        /// After the lead byte 0xC2 of a two-byte UTF-8 sequence.
        case c2
    }

    private var state = State.ground
    private var held: [UInt8] = []

    public init() {}

    /// Starts again, for a terminal that was reset (a replay seeking backwards); the counts are kept.
    public mutating func reset() {
        state = .ground
        held.removeAll(keepingCapacity: true)
    }

    /// The bytes of `input` to write; an incomplete sequence at the end is held for the next call.
    public mutating func filter(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        for byte in input { step(byte, into: &out) }
        return out
    }

    private mutating func step(_ byte: UInt8, into out: inout [UInt8]) {
        switch state {
        case .ground:
            ground(byte, into: &out)
        case .c2:
            state = .ground
            if (0x80...0x9F).contains(byte) {
                dropped.c1Controls += 1
            } else {
                out.append(0xC2)
                ground(byte, into: &out)
            }
        case .escape:
            escape(byte, into: &out)
        case .csi:
            csi(byte, into: &out)
        case .string(let sawEscape):
            if byte == 0x07 || byte == 0x18 || byte == 0x1A || (sawEscape && byte == UInt8(ascii: "\\")) {
                state = .ground  // BEL or ST ends it; CAN and SUB abort it
            } else if sawEscape && byte == 0x1B {
                state = .string(sawEscape: true)
            } else if sawEscape {
                // ESC followed by anything but `\` ends the string and starts a new sequence (as xterm does).
                state = .escape
                held = [0x1B]
                escape(byte, into: &out)
            } else {
                state = .string(sawEscape: byte == 0x1B)
            }
        }
    }

    private mutating func ground(_ byte: UInt8, into out: inout [UInt8]) {
        switch byte {
        case 0x1B:
            state = .escape
            held = [0x1B]
        case 0x05:
            dropped.reports += 1  // ENQ: the terminal sends its answerback string
        case 0xC2:
            state = .c2
        default:
            out.append(byte)
        }
    }

    private mutating func escape(_ byte: UInt8, into out: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "["):
            held.append(byte)
            state = .csi
        case UInt8(ascii: "]"), UInt8(ascii: "P"), UInt8(ascii: "X"), UInt8(ascii: "^"), UInt8(ascii: "_"):
            guard held.count == 1 else { return finishEscape(byte, into: &out) }
            dropped.strings += 1
            held.removeAll(keepingCapacity: true)
            state = .string(sawEscape: false)
        case UInt8(ascii: "Z") where held.count == 1:
            dropped.reports += 1  // DECID
            held.removeAll(keepingCapacity: true)
            state = .ground
        case 0x1B:
            // ESC ESC: the first is abandoned (as terminals do).
            held = [0x1B]
        case 0x18, 0x1A:
            held.removeAll(keepingCapacity: true)  // CAN/SUB cancel the sequence
            state = .ground
        case 0x00...0x17, 0x19, 0x1C...0x1F:
            out.append(byte)  // C0 controls inside a sequence act at once
        case 0x20...0x2F:
            held.append(byte)  // intermediates (charset designations…)
            if held.count > Self.maxSequence { dropOversized() }
        default:
            finishEscape(byte, into: &out)
        }
    }

    private mutating func finishEscape(_ byte: UInt8, into out: inout [UInt8]) {
        held.append(byte)
        out += held
        held.removeAll(keepingCapacity: true)
        state = .ground
    }

    private mutating func csi(_ byte: UInt8, into out: inout [UInt8]) {
        switch byte {
        case 0x30...0x3F, 0x20...0x2F:
            held.append(byte)
            if held.count > Self.maxSequence { dropOversized() }
        case 0x40...0x7E:
            held.append(byte)
            if let kind = Self.leftOut(csi: held) {
                switch kind {
                case .report: dropped.reports += 1
                case .inputMode: dropped.inputModes += 1
                }
            } else {
                out += held
            }
            held.removeAll(keepingCapacity: true)
            state = .ground
        case 0x1B:
            held = [0x1B]  // a new sequence abandons this one
            state = .escape
        case 0x18, 0x1A:
            held.removeAll(keepingCapacity: true)
            state = .ground
        case 0x00...0x1F:
            out.append(byte)
        default:
            // Not part of any CSI: the sequence is malformed; drop it, keep the byte.
            held.removeAll(keepingCapacity: true)
            state = .ground
            ground(byte, into: &out)
        }
    }

    private mutating func dropOversized() {
        dropped.oversized += 1
        held.removeAll(keepingCapacity: true)
        state = .ground
    }

    private enum Kind { case report, inputMode }

    /// Private modes that change what the terminal sends: X10 and xterm mouse modes, focus events, bracketed paste,
    /// colour-scheme and in-band resize notifications.
    private static let inputModes: Set<Int> = [9, 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1015, 1016, 2004, 2031, 2048]

    /// Why a complete CSI (`ESC [ … final`) is left out, nil when it passes.
    private static func leftOut(csi: [UInt8]) -> Kind? {
        let body = csi.dropFirst(2).dropLast()
        let final = csi.last!
        let prefix = body.first.flatMap { (0x3C...0x3F).contains($0) ? $0 : nil }  // < = > ?
        let intermediates = body.filter { (0x20...0x2F).contains($0) }
        switch final {
        case UInt8(ascii: "n"), UInt8(ascii: "c"), UInt8(ascii: "x"), UInt8(ascii: "t"):
            return .report
        case UInt8(ascii: "p") where intermediates.contains(UInt8(ascii: "$")),  // DECRQM
             UInt8(ascii: "u") where intermediates.contains(UInt8(ascii: "$")),  // DECRQTSR
             UInt8(ascii: "w") where intermediates.contains(UInt8(ascii: "$")),  // DECRQPSR
             UInt8(ascii: "y") where intermediates.contains(UInt8(ascii: "*")),  // DECRQCRA (a checksum of the screen)
             UInt8(ascii: "i"):  // media copy: printer pass-through
            return .report
        case UInt8(ascii: "q") where prefix == UInt8(ascii: ">"):
            return .report
        case UInt8(ascii: "u") where prefix == UInt8(ascii: "?"):
            return .report
        case UInt8(ascii: "u") where prefix != nil:
            return .inputMode
        case UInt8(ascii: "m") where prefix != nil:
            return .inputMode
        case UInt8(ascii: "s"), UInt8(ascii: "r"):
            return prefix == UInt8(ascii: "?") ? .inputMode : nil
        case UInt8(ascii: "h"), UInt8(ascii: "l"):
            guard prefix == UInt8(ascii: "?") else { return nil }
            let modes = body.dropFirst().split(separator: UInt8(ascii: ";")).compactMap { Int(String(decoding: $0, as: UTF8.self)) }
            return modes.contains(where: inputModes.contains) ? .inputMode : nil
        default:
            return nil
        }
    }
}
