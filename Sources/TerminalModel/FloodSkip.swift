/// Output a flood (`yes`, `cat` of a big log) would scroll past unseen: which start of not-yet-shown output can be
/// left out without changing what the screen and its scrollback hold afterwards. A pane that skips it catches up with
/// a flood at once instead of scrolling through every line (libvterm moves the whole screen buffer for each line),
/// so Ctrl-C takes effect in a moment rather than after seconds of drawing.
///
/// Bytes can be skipped when
/// 1. the terminal's parser is at rest before them (no escape sequence, control string or UTF-8 character open:
///    `TerminalScreen.parserAtRest`),
/// 2. they are text lines: printable characters, tab, backspace, CR and LF, colour and attribute changes (SGR,
///    `ESC [ … m`) and erase-to-end-of-line (`ESC [ K`) — nothing that changes modes, character sets or moves the
///    cursor otherwise (no other escape sequence, no other C0 control, no UTF-8-encoded C1 control) — ending with
///    CR LF, so the cursor is at column 0 with no wrap pending, and
/// 3. at least `keepLines` line feeds follow them, so all they would have drawn scrolls off the screen and then out of
///    the scrollback — and so do the first lines after them, which land on rows the skipped part would have scrolled
///    in fresh but which now still hold older content (`keepLines` = scrollback capacity + 2 × screen rows).
///
/// Their colour changes still count for what follows, so a skip replaces them with their SGR sequences alone (from
/// the last reset on): the pen is then the same as if all of it had been drawn.
///
/// Not covered (the screen may then differ in rows the flood overwrote instead of scrolling): the cursor parked below
/// a scroll region, where line feeds overwrite the last row.
public enum FloodSkip {
    static let cr: UInt8 = 0x0D, lf: UInt8 = 0x0A, esc: UInt8 = 0x1B

    /// What can be left out at the start of some output: `count` bytes, to be replaced by `replacement` (the SGR
    /// sequences among them that still matter).
    public struct Skip: Equatable, Sendable {
        public var count: Int
        public var replacement: [UInt8]
    }

    /// What at the start of `bytes` can be skipped, given that the parser is at rest before them.
    public static func skip(_ bytes: UnsafeBufferPointer<UInt8>, keepLines: Int) -> Skip {
        let none = Skip(count: 0, replacement: [])
        guard keepLines >= 0, bytes.count > 2 else { return none }
        // The latest cut that leaves `keepLines` line feeds after it: at or before the keepLines-th LF from the end.
        var seen = 0
        var latest = bytes.count
        while latest > 0 && seen < keepLines {
            latest -= 1
            if bytes[latest] == lf { seen += 1 }
        }
        guard seen == keepLines else { return none }
        // Only text lines may be skipped: stop at the first byte that is not. SGR sequences are noted (start, end).
        var sgr: [Range<Int>] = []
        var i = 0
        scan: while i < latest {
            let b = bytes[i]
            if b == esc {
                guard let (end, isSGR) = lineLocalCSI(bytes, at: i, limit: latest) else { break scan }
                if isSGR {
                    if resets(bytes, i + 2 ..< end - 1) { sgr.removeAll() }
                    sgr.append(i ..< end)
                }
                i = end
                continue
            }
            if b < 0x20 {
                if b != lf && b != cr && b != 0x09 && b != 0x08 { break }
            } else if b == 0xC2, i + 1 < bytes.count, (0x80...0x9F).contains(bytes[i + 1]) {
                break  // a C1 control (CSI, OSC, …) in UTF-8
            }
            i += 1
        }
        // The last CR LF that ends at or before that point.
        var cut = i
        while cut >= 2 && !(bytes[cut - 1] == lf && bytes[cut - 2] == cr) { cut -= 1 }
        guard cut >= 2 else { return none }
        var replacement: [UInt8] = []
        for r in sgr where r.upperBound <= cut { replacement.append(contentsOf: bytes[r]) }
        return Skip(count: cut, replacement: replacement)
    }

    public static func skip(_ bytes: [UInt8], keepLines: Int) -> Skip {
        bytes.withUnsafeBufferPointer { skip($0, keepLines: keepLines) }
    }

    /// `ESC [ params m` (SGR) or `ESC [ K` / `ESC [ 0 K` (erase to the end of the line) starting at `start`, complete
    /// before `limit`: its end and whether it is an SGR. Nil for anything else.
    static func lineLocalCSI(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, limit: Int) -> (end: Int, isSGR: Bool)? {
        guard start + 2 < limit, bytes[start + 1] == UInt8(ascii: "[") else { return nil }
        var j = start + 2
        while j < limit, (0x30...0x3B).contains(bytes[j]) { j += 1 }  // digits, ':' and ';'
        guard j < limit else { return nil }
        let params = start + 2 ..< j
        switch bytes[j] {
        case UInt8(ascii: "m"): return (j + 1, true)
        case UInt8(ascii: "K") where params.isEmpty || (params.count == 1 && bytes[params.lowerBound] == UInt8(ascii: "0")):
            return (j + 1, false)
        default: return nil
        }
    }

    /// True when an SGR with these parameters starts with a reset (`m`, `0m`, `0;…m`): every earlier SGR is moot.
    static func resets(_ bytes: UnsafeBufferPointer<UInt8>, _ params: Range<Int>) -> Bool {
        var first = params.lowerBound
        while first < params.upperBound, bytes[first] == UInt8(ascii: "0") { first += 1 }
        return first == params.upperBound || bytes[first] == UInt8(ascii: ";")
    }
}
