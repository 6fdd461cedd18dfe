import CVTermShim

/// The screen model of one terminal (a libvterm VTerm + VTermScreen).
///
/// Feed it the program's output; read cells, cursor, title; take the damaged row range to redraw only what changed;
/// encode keys into bytes for the program. Lines scrolled off the top go to a bounded scrollback ring.
/// Not thread-safe: one owner (the console's UI loop) uses it.
public final class TerminalScreen {
    private let term: OpaquePointer
    private var scratch: [gw_cell]

    /// Rows of damage since the last `takeDamage()`: a half-open range.
    public typealias Damage = Range<Int>

    public init(rows: Int, cols: Int, scrollbackLines: Int = 5_000) {
        let r = max(1, rows), c = max(1, cols)
        guard let t = gw_term_new(Int32(r), Int32(c), Int32(max(0, scrollbackLines))) else {
            fatalError("libvterm could not allocate a \(r)x\(c) terminal (out of memory)")
        }
        term = t
        scratch = Array(repeating: gw_cell(), count: c)
    }

    deinit { gw_term_free(term) }

    public var rows: Int { Int(gw_term_rows(term)) }
    public var cols: Int { Int(gw_term_cols(term)) }

    /// Feeds program output (any chunking; UTF-8 sequences may be split across calls).
    public func feed(_ bytes: some Collection<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { buf in
            buf.withMemoryRebound(to: CChar.self) { p in _ = gw_term_feed(term, p.baseAddress, p.count) }
        }
        if done == nil {
            let copy = Array(bytes)
            copy.withUnsafeBufferPointer { buf in
                buf.withMemoryRebound(to: CChar.self) { p in _ = gw_term_feed(term, p.baseAddress, p.count) }
            }
        }
    }

    public func feed(_ text: String) { feed(Array(text.utf8)) }

    /// Changes the size; libvterm reflows nothing but keeps content, pulling lines back from scrollback when taller.
    /// Marks everything damaged.
    public func resize(rows: Int, cols: Int) {
        gw_term_resize(term, Int32(max(1, rows)), Int32(max(1, cols)))
        if scratch.count < self.cols { scratch = Array(repeating: gw_cell(), count: self.cols) }
    }

    /// The rows changed since the last call (nil when nothing changed), and clears it.
    public func takeDamage() -> Damage? {
        var s: Int32 = 0, e: Int32 = 0
        guard gw_term_take_damage(term, &s, &e) != 0 else { return nil }
        return Int(s)..<Int(e)
    }

    /// Marks every row damaged (after a theme change or when a pane is shown again).
    public func damageAll() { gw_term_damage_all(term) }

    public func cell(row: Int, col: Int) -> TerminalCell {
        var c = gw_cell()
        gw_term_get_cell(term, Int32(row), Int32(col), &c)
        return TerminalCell(c)
    }

    /// All cells of a row, left to right.
    public func row(_ row: Int) -> [TerminalCell] {
        (0..<cols).map { cell(row: row, col: $0) }
    }

    public struct Cursor: Sendable, Hashable {
        public var row: Int
        public var col: Int
        public var visible: Bool
    }

    public var cursor: Cursor {
        var r: Int32 = 0, c: Int32 = 0, v: Int32 = 0
        gw_term_cursor(term, &r, &c, &v)
        return Cursor(row: Int(r), col: Int(c), visible: v != 0)
    }

    /// Whether the program switched to the alternate screen (vim, less, htop).
    public var isAlternateScreen: Bool { gw_term_altscreen(term) != 0 }

    /// The window title set with OSC 0/2 ("" when none).
    public var title: String { String(cString: gw_term_title(term)) }

    /// Number of BELs seen.
    public var bellCount: UInt { UInt(gw_term_bells(term)) }

    /// Whether everything fed so far has ended: no escape sequence, CSI, control string (OSC, DCS, …) or UTF-8
    /// character is open, so the next byte starts afresh. Flood output may only be skipped from such a point
    /// (`FloodSkip`). The terminal's own input filter tracks this (it holds CSI sequences to their final byte).
    public var parserAtRest: Bool { gw_term_at_rest(term) != 0 }

    // MARK: scrollback

    /// Lines in the scrollback ring (bounded by `scrollbackLines`).
    public var scrollbackCount: Int { Int(gw_term_scrollback_count(term)) }

    /// A scrollback line; index 0 is the most recently scrolled-off line. Trailing blanks are trimmed.
    public func scrollbackLine(_ index: Int) -> [TerminalCell] {
        guard index >= 0, index < scrollbackCount else { return [] }
        let width = Int(gw_term_scrollback_line(term, Int32(index), nil, 0))
        if width == 0 { return [] }
        if scratch.count < width { scratch = Array(repeating: gw_cell(), count: width) }
        let n = scratch.withUnsafeMutableBufferPointer { buf in
            Int(gw_term_scrollback_line(term, Int32(index), buf.baseAddress, Int32(width)))
        }
        return scratch[0..<min(n, width)].map(TerminalCell.init)
    }

    // MARK: keys and replies

    /// Bytes for a typed character with modifiers (Ctrl-C → 0x03, Alt-x → ESC x, …).
    public func encode(character scalar: Unicode.Scalar, modifiers: KeyModifiers = []) -> [UInt8] {
        gw_term_key_unichar(term, scalar.value, modifiers.rawValue)
        return takeOutput()
    }

    /// Bytes for a special key, honouring the program's modes (application cursor keys, …).
    public func encode(key: TerminalKey, modifiers: KeyModifiers = []) -> [UInt8] {
        gw_term_key(term, key.vtermKey, modifiers.rawValue)
        return takeOutput()
    }

    /// Bytes for pasted text (bracketed when the program asked for bracketed paste).
    public func encode(paste text: String) -> [UInt8] {
        gw_term_paste(term, 1)
        var out = takeOutput()
        out += Array(text.utf8)
        gw_term_paste(term, 0)
        out += takeOutput()
        return out
    }

    /// Bytes the terminal itself must send to the program (replies to DA/DSR queries). Drained by this call.
    public func takeOutput() -> [UInt8] {
        let n = gw_term_output_pending(term)
        guard n > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: n)
        let got = out.withUnsafeMutableBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { gw_term_read_output(term, $0.baseAddress, n) }
        }
        return Array(out[0..<got])
    }
}

extension TerminalCell {
    static let continuationMarker: UInt32 = 0xFFFF_FFFF

    init(_ c: gw_cell) {
        let chars = [c.chars.0, c.chars.1, c.chars.2, c.chars.3, c.chars.4, c.chars.5]
        let first = chars[0]
        var comb: [UInt32] = []
        if first != 0, first != Self.continuationMarker, chars[1] != 0 {
            for x in chars.dropFirst() { if x == 0 { break }; comb.append(x) }
        }
        var attrs: CellAttributes = []
        if c.bold != 0 { attrs.insert(.bold) }
        if c.underline != 0 { attrs.insert(.underline) }
        if c.italic != 0 { attrs.insert(.italic) }
        if c.reverse != 0 { attrs.insert(.reverse) }
        if c.blink != 0 { attrs.insert(.blink) }
        if c.strike != 0 { attrs.insert(.strike) }
        self.init(scalar: first == Self.continuationMarker ? 0 : first,
                  combining: comb,
                  width: max(1, Int(c.width)),
                  isWideContinuation: first == Self.continuationMarker,
                  foreground: TerminalColor(kind: c.fg_kind, index: c.fg_index, r: c.fg_r, g: c.fg_g, b: c.fg_b),
                  background: TerminalColor(kind: c.bg_kind, index: c.bg_index, r: c.bg_r, g: c.bg_g, b: c.bg_b),
                  attributes: attrs)
    }
}

extension TerminalColor {
    init(kind: UInt8, index: UInt8, r: UInt8, g: UInt8, b: UInt8) {
        switch Int32(kind) {
        case Int32(GW_COLOR_INDEXED): self = .indexed(index)
        case Int32(GW_COLOR_RGB): self = .rgb(r, g, b)
        default: self = .default
        }
    }
}
