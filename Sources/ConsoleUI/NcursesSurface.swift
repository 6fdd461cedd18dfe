import CNcursesShim
import ConsoleCore

/// The real screen: a Surface over ncurses' stdscr. Colours go through a ColorMapper (terminal capability)
/// and a bounded ColorPairCache. Use from one thread only (the console's UI thread).
final class NcursesSurface: Surface {
    private(set) var rows: Int
    private(set) var cols: Int
    private var mapper: ColorMapper
    private var pairs: ColorPairCache
    private var styleCache: [Style: (attrs: Int32, pair: Int32)] = [:]
    private var wbuf: [wchar_t] = []

    init() {
        let colors = Int(gw_nc_init())
        rows = Int(gw_nc_rows())
        cols = Int(gw_nc_cols())
        mapper = ColorMapper(colors: max(8, colors))
        pairs = ColorPairCache(capacity: min(max(1, Int(gw_nc_color_pairs()) - 1), 4_096))
    }

    func end() { gw_nc_end() }

    func updateSize() {
        rows = Int(gw_nc_rows())
        cols = Int(gw_nc_cols())
    }

    private func resolve(_ style: Style) -> (attrs: Int32, pair: Int32) {
        if let hit = styleCache[style] { return hit }
        let fg = mapper.map(style.fg), bg = mapper.map(style.bg)
        var pair: Int32 = 0
        if fg != -1 || bg != -1 {
            let r = pairs.lookup(fg: fg, bg: bg)
            if r.isNew {
                _ = gw_nc_init_pair(r.pair, fg, bg)
                // An evicted pair may be cached under other styles: forget them all.
                if pairs.evictions > 0 { styleCache.removeAll(keepingCapacity: true) }
            }
            pair = r.pair
        }
        let v = (Int32(style.attributes.rawValue), pair)
        if styleCache.count > 8_192 { styleCache.removeAll(keepingCapacity: true) }
        styleCache[style] = v
        return v
    }

    func put(row: Int, col: Int, text: String, width: Int, style: Style) {
        write(row: row, col: col, text, style: style, limit: width)
    }

    func write(row: Int, col: Int, _ text: String, style: Style, limit: Int) {
        guard row >= 0, row < rows, col >= 0, col < cols, limit > 0 else { return }
        let (a, p) = resolve(style)
        wbuf.removeAll(keepingCapacity: true)
        var n = 0
        let max = min(limit, cols - col)
        for u in text.unicodeScalars {
            if n >= max && u.properties.generalCategory != .nonspacingMark { break }
            wbuf.append(wchar_t(bitPattern: ScreenText.visible(u).value))  // no control reaches ncurses
            if u.properties.generalCategory != .nonspacingMark { n += 1 }
        }
        wbuf.withUnsafeBufferPointer { gw_nc_put(Int32(row), Int32(col), $0.baseAddress, Int32($0.count), a, p) }
    }

    func fill(_ rect: Rect, style: Style) {
        let r0 = max(0, rect.row), c0 = max(0, rect.col)
        let h = min(rows, rect.row + rect.rows) - r0, w = min(cols, rect.col + rect.cols) - c0
        guard h > 0, w > 0 else { return }
        let (a, p) = resolve(style)
        gw_nc_fill(Int32(r0), Int32(c0), Int32(h), Int32(w), a, p)
    }

    func moveCursor(row: Int, col: Int, visible: Bool) { gw_nc_cursor(Int32(row), Int32(col), visible ? 1 : 0) }

    func flush() { gw_nc_flush() }

    /// After a theme change: forget cached pairs (pairs are re-initialised as styles are used).
    func resetColors() {
        styleCache.removeAll()
        pairs.removeAll()
        gw_nc_clear()
    }

    /// Reads one key without blocking.
    func readKey() -> KeyChord? {
        var ch: UInt32 = 0
        switch gw_nc_key(&ch) {
        case 1: return Self.decode(character: ch)
        case 2: return Self.decode(code: Int32(bitPattern: ch))
        default: return nil
        }
    }

    static func decode(character ch: UInt32) -> KeyChord? {
        switch ch {
        case 13, 10: return .enter
        case 9: return .tab
        case 27: return .escape
        case 127, 8: return .backspace
        case 0: return .ctrl(" ")
        case 1...26: return .ctrl(Unicode.Scalar(UInt8(ch) + 96))
        default: return Unicode.Scalar(ch).map { .char($0) }
        }
    }

    static func decode(code: Int32) -> KeyChord? {
        if code == gw_nc_key_resize() { return .resize }
        let f0 = gw_nc_key_f0()
        if code > f0 && code <= f0 + 24 { return .function(Int(code - f0)) }
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_DC: return .delete
        case KEY_IC: return .insert
        case KEY_BACKSPACE: return .backspace
        case KEY_BTAB: return .backTab
        case KEY_ENTER: return .enter
        default: return nil
        }
    }
}
