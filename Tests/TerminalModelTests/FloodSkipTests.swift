import GangwayTesting
import Testing
@testable import TerminalModel

/// Skipping the start of a flood must leave the screen and the scrollback exactly as drawing all of it would: checked
/// on real libvterm screens, one fed everything, the other fed what `FloodSkip` leaves.
@Suite struct FloodSkipTests {
    static let rows = 6, cols = 20, scrollback = 30

    /// Everything a user could see: the screen's text and colours, the cursor, every scrollback line.
    static func view(_ s: TerminalScreen) -> String {
        var out = s.dumpText() + "\n--\n" + s.dumpAttributes() + "\n--\ncursor \(s.cursor.row),\(s.cursor.col)\n--\n"
        for i in 0..<s.scrollbackCount {
            out += s.scrollbackLine(i).map { c in c.scalar == 0 ? " " : String(UnicodeScalar(c.scalar).map(Character.init) ?? "?") }
                .joined() + "|\(s.scrollbackLine(i).map { "\($0.foreground)" }.joined(separator: ","))\n"
        }
        return out + "bells \(s.bellCount) title \(s.title)"
    }

    /// Every row full of text (on a coloured background), then the cursor up to row 2, column 4: the flood's first
    /// lines land on rows that still hold this, where drawing everything would have scrolled in fresh rows.
    static let fullScreenThenUp = Array(("\u{1b}[45m" + String(repeating: "0123456789abcdefghij0123456789\r\n", count: rows)
                                        + "\u{1b}[2;4H").utf8)

    /// Feeds `before`, then `flood` whole to one screen and with its skippable start left out to another.
    static func both(before: [UInt8], flood: [UInt8]) -> (full: String, skipped: String, skippedBytes: Int) {
        let keep = scrollback + 2 * rows
        let full = TerminalScreen(rows: rows, cols: cols, scrollbackLines: scrollback)
        let short = TerminalScreen(rows: rows, cols: cols, scrollbackLines: scrollback)
        for s in [full, short] { s.feed(before) }
        let skip = short.parserAtRest ? FloodSkip.skip(flood, keepLines: keep) : FloodSkip.Skip(count: 0, replacement: [])
        full.feed(flood)
        short.feed(skip.replacement + flood[skip.count...])
        return (view(full), view(short), skip.count)
    }

    /// Seeded random plain text lines: ASCII, tabs, backspaces, lone CRs, accents and wide characters, lines longer than
    /// the screen (they wrap), all ending in CR LF.
    static func floodLines(_ count: Int, seed: UInt64, colours: Bool = false) -> [UInt8] {
        var rng = SeededGenerator(seed: seed)
        var pieces = ["word", " ", "\t", "é", "中", "x\u{8}y", "progress 50%\r", "αβγ", "🙂", "-", "0123456789"]
        if colours {
            pieces += ["\u{1b}[31m", "\u{1b}[1;32m", "\u{1b}[0m", "\u{1b}[m", "\u{1b}[38;5;208m", "\u{1b}[48;2;10;20;30m",
                       "\u{1b}[K", "\u{1b}[0;7m", "\u{1b}[4:3m", "\u{1b}[01;34m", "\u{1b}[00m"]
        }
        var text = ""
        for _ in 0..<count {
            let n = Int(rng.next() % 12)
            for _ in 0..<n { text += pieces[Int(rng.next() % UInt64(pieces.count))] }
            text += "\r\n"
        }
        return Array(text.utf8)
    }

    @Test("a plain-text flood loses its unseen start, and screen, colours, cursor and scrollback stay the same",
          arguments: 0..<40)
    func skippingChangesNothingVisible(seed: Int) {
        // Before the flood: colour set, cursor moved, a title, a bell: state the skipped text must not disturb.
        let before = Array("\u{1b}]0;flood test\u{7}hello\r\n\u{1b}[31mred \u{1b}[3;5Hmoved\u{7}".utf8)
            + Self.fullScreenThenUp
        let r = Self.both(before: before, flood: Self.floodLines(200, seed: UInt64(seed)))
        #expect(r.skippedBytes > 0, "nothing skipped")
        #expect(r.full == r.skipped)
    }

    @Test("a colourised flood (SGR, erase to end of line) is skipped too, keeping the colour it ends with",
          arguments: 0..<40)
    func colourisedFloods(seed: Int) {
        let r = Self.both(before: Array("\u{1b}[44mblue ground\r\n".utf8) + Self.fullScreenThenUp,
                          flood: Self.floodLines(200, seed: UInt64(1000 + seed), colours: true))
        #expect(r.skippedBytes > 0, "nothing skipped")
        #expect(r.full == r.skipped)
    }

    @Test("hostile mixes of text, sequences and stray bytes: whatever is skipped changes nothing visible", arguments: 0..<60)
    func fuzzedFloods(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(5000 + seed))
        let pieces: [[UInt8]] = [
            Array("text ".utf8), Array("\r\n".utf8), Array("\r\n".utf8), Array("\r\n".utf8), Array("\n".utf8), [0x0D],
            Array("\u{1b}[31m".utf8), Array("\u{1b}[m".utf8), Array("\u{1b}[K".utf8), Array("\u{1b}[1K".utf8),
            Array("\u{1b}[2;3H".utf8), Array("\u{1b}[?25l".utf8), Array("\u{1b}]0;t\u{7}".utf8), Array("\u{1b}(0".utf8),
            Array("\u{1b}[".utf8), Array("\u{1b}".utf8), [0x07], [0x0E], [0x0F], [0x08], [0x09], [0xC2, 0x9B], [0xE4, 0xB8],
            [0xFF], [0x80], Array("中".utf8), Array("\u{1b}[38;5;".utf8), Array("\u{1b}[3".utf8), Array("m".utf8),
            Array("\u{1b}[0;4m".utf8), Array("\u{1b}[10r".utf8), Array("\u{1b}M".utf8), Array("\u{1b}D".utf8),
        ]
        var before: [UInt8] = []
        for _ in 0..<40 { before += pieces[Int(rng.next() % UInt64(pieces.count))] }
        var flood: [UInt8] = []
        for _ in 0..<3000 {
            // Mostly lines of text, with the rest sprinkled in.
            let p = rng.next() % 10 < 6 ? (rng.next() % 2 == 0 ? pieces[0] : pieces[1]) : pieces[Int(rng.next() % UInt64(pieces.count))]
            flood += p
        }
        let r = Self.both(before: before, flood: flood)
        #expect(r.full == r.skipped, "skipped \(r.skippedBytes) of \(flood.count) bytes")
    }

    @Test("the replacement keeps the SGR sequences from the last reset on")
    func replacementFromLastReset() {
        let lines = String(repeating: "x\r\n", count: 50)
        let flood = Array(("\u{1b}[31ma\r\n\u{1b}[1mb\r\n\u{1b}[0;32mc\r\n\u{1b}[4md\u{1b}[K\r\n" + lines).utf8)
        let skip = FloodSkip.skip(flood, keepLines: 40)
        #expect(skip.count > 0)
        #expect(String(decoding: skip.replacement, as: UTF8.self) == "\u{1b}[0;32m\u{1b}[4m")
    }

    @Test("nothing is skipped past another escape sequence, a bell or a C1 control, and what is skipped ends before it")
    func stopsAtControls() {
        for control in ["\u{1b}[2J", "\u{1b}[5A", "\u{1b}[2K", "\u{1b}]0;x\u{7}", "\u{1b}(0", "\u{7}", "\u{9b}1m", "\u{e}"] {
            var flood = Self.floodLines(100, seed: 7)
            let at = flood.count / 3
            flood.insert(contentsOf: Array(control.utf8), at: at)
            flood += Self.floodLines(100, seed: 8)
            let r = Self.both(before: [], flood: flood)
            #expect(r.skippedBytes > 0 && r.skippedBytes <= at, "\(control.debugDescription): skipped \(r.skippedBytes), control at \(at)")
            #expect(r.full == r.skipped, "\(control.debugDescription)")
        }
    }

    @Test("nothing is skipped when the parser is inside a sequence, or when too few lines follow to hide it")
    func restAndLineCount() {
        let flood = Self.floodLines(200, seed: 3)
        for open: [UInt8] in [Array("\u{1b}[3".utf8), Array("\u{1b}]0;title without end".utf8), Array("\u{1b}P".utf8),
                              [0xE4, 0xB8]] {
            let r = Self.both(before: open, flood: flood)
            #expect(r.skippedBytes == 0, "\(open)")
        }
        let few = Self.floodLines(Self.scrollback + 2 * Self.rows - 1, seed: 4)
        #expect(FloodSkip.skip(few, keepLines: Self.scrollback + 2 * Self.rows).count == 0)
        // Bare LF lines (no CR): the cursor column would carry over, so no cut.
        let bare = Array(String(repeating: "line\n", count: 500).utf8)
        #expect(FloodSkip.skip(bare, keepLines: 36).count == 0)
    }

    @Test("the terminal knows when its parser is at rest: every sequence followed to its end")
    func parserAtRest() {
        // C1 controls sent as UTF-8 (U+009D OSC, U+009C ST) are dropped by the terminal (HostileInputTests), so
        // they open nothing. A C0 control inside an escape runs at once and the escape goes on (as in libvterm);
        // CAN and SUB cancel any sequence.
        for (text, atRest) in [("plain", true), ("\u{1b}[31", false), ("\u{1b}[31m", true), ("\u{1b}]0;t", false),
                               ("\u{1b}]0;t\u{7}", true), ("\u{1b}]0;t\u{1b}\\", true), ("\u{1b}(", false),
                               ("\u{1b}(B", true), ("\u{e4}", true), ("\u{9d}0;t", true), ("\u{1b}[1\u{18}", true),
                               ("\u{1b}\u{7}", false), ("\u{1b}\u{7}c", true), ("\u{1b}(\u{18}", true),
                               ("\u{1b}(\u{7}", false), ("\u{1b}P1$r", false), ("\u{1b}P1$r\u{1b}\\", true),
                               ("\u{1b}[1;2\u{8}", false), ("\u{1b}", false), ("\u{1b}\u{1b}", false)] {
            let screen = TerminalScreen(rows: 4, cols: 20, scrollbackLines: 0)
            screen.feed(Array(text.utf8))
            #expect(screen.parserAtRest == atRest, "\(text.debugDescription)")
        }
        let screen = TerminalScreen(rows: 4, cols: 20, scrollbackLines: 0)
        screen.feed([0xE4, 0xB8])  // two bytes of a three-byte character
        #expect(!screen.parserAtRest)
        screen.feed([0xAD])
        #expect(screen.parserAtRest)
        // A BEL inside an escape rings and the escape goes on: the next byte is its final byte, not text.
        screen.feed(Array("\u{1b}\u{7}7A".utf8))
        #expect(screen.bellCount == 1 && screen.parserAtRest)
        #expect(screen.dumpText().contains("中A"), "\(screen.dumpText())")
    }
}
