import GangwayTesting
import Testing
@testable import TerminalModel

/// Output from a remote host is untrusted: no byte stream may crash the console's terminal model. libvterm 0.1.4
/// crashed (NULL write, out-of-bounds memmove) or looped forever on the streams below; the shim now passes it only
/// well-formed UTF-8 without C1 controls, and does REP (CSI Ps b) itself.
@Suite struct HostileInputTests {
    static let crashers: [[UInt8]] = [
        [0xC2, 0x9B, 0x1B, 0x5B, 0x4B],                               // C1 CSI as UTF-8, then ESC [ K
        [0xC2, 0x90, 0x1B, 0x5B, 0x4B],                               // C1 DCS as UTF-8, then ESC [ K
        Array("\u{1b}[4h".utf8) + [0xC2] + Array("\u{1b}M".utf8) + [0x80, 0x31],  // insert mode, a cut sequence
        Array("\u{1b}[4h".utf8) + [0xC2] + Array("\u{1b}m".utf8) + [0x85, 0x91],
        Array("\u{1b}[4h".utf8) + [0xC2] + Array("\u{1b}[".utf8) + [0x9F, 0x99, 0x82],
        Array("中\u{1b}[;99H\u{1b}[b".utf8),                         // REP after a wide character in the last column
        Array("\u{1b}[b".utf8),                                      // REP with nothing before it: libvterm looped forever
    ]

    /// After anything, the screen still takes text and shows it.
    static func stillWorks(_ s: TerminalScreen) -> Bool {
        s.feed(Array("\u{1b}c\u{1b}[0m\u{1b}[4l\r\nalive-42".utf8))
        return s.dumpText().contains("alive-42")
    }

    @Test("streams that crashed or hung libvterm are drawn without crashing", arguments: 0..<7)
    func knownCrashers(index: Int) {
        let s = TerminalScreen(rows: 6, cols: 20, scrollbackLines: 30)
        s.feed(Self.crashers[index])
        #expect(Self.stillWorks(s))
    }

    @Test("seeded random hostile streams (sequences, modes, stray and cut UTF-8) never crash", arguments: 0..<80)
    func fuzzed(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(90_000 + seed))
        let pieces: [[UInt8]] = [
            Array("text ".utf8), [0x0D, 0x0A], [0x0A], [0x0D], Array("\u{1b}[31m".utf8), Array("\u{1b}[K".utf8),
            Array("\u{1b}[2;3H".utf8), Array("\u{1b}]0;t\u{7}".utf8), Array("\u{1b}(0".utf8), Array("\u{1b}[".utf8), [0x1B],
            [0x07], [0x0E], [0x0F], [0x08], [0x09], [0xC2, 0x9B], [0xC2, 0x90], [0xC2], [0xE4, 0xB8], [0xFF], [0x80], [0x9B],
            Array("中".utf8), Array("\u{1b}[38;5;".utf8), Array("\u{1b}[10r".utf8), Array("\u{1b}M".utf8), Array("\u{1b}D".utf8),
            Array("\u{1b}[?1049h".utf8), Array("\u{1b}[?1049l".utf8), Array("\u{1b}[4h".utf8), Array("\u{1b}[2J".utf8),
            Array("\u{1b}[99;99H".utf8), Array("\u{1b}[5;2r".utf8), Array("\u{1b}[?6h".utf8), Array("\u{1b}[L".utf8),
            Array("\u{1b}[M".utf8), Array("\u{1b}[P".utf8), Array("\u{1b}[@".utf8), Array("\u{1b}[3S".utf8),
            Array("\u{1b}P".utf8), Array("\u{1b}\\".utf8), Array("\u{1b}#8".utf8), Array("\u{1b}[?69h".utf8),
            Array("\u{1b}[3;10s".utf8), [0xCC, 0x81], [0xF0, 0x9F, 0x99, 0x82], [0xED, 0xA0, 0x80], [0xE0, 0x80, 0x80],
            Array("\u{1b}[b".utf8), Array("\u{1b}[5b".utf8), Array("\u{1b}[;99H".utf8), Array("\u{1b}[?1b".utf8),
        ]
        let s = TerminalScreen(rows: 6, cols: 20, scrollbackLines: 30)
        for _ in 0..<40 {
            var chunk: [UInt8] = []
            for _ in 0..<Int(rng.next() % 60) {
                if rng.next() % 10 == 0 { chunk.append(UInt8(truncatingIfNeeded: rng.next())) }
                else { chunk += pieces[Int(rng.next() % UInt64(pieces.count))] }
            }
            s.feed(chunk)
        }
        #expect(Self.stillWorks(s))
    }

    @Test("REP repeats the last character printed, also a wide one, also across feeds and past colour changes")
    func repeatCharacter() {
        let s = TerminalScreen(rows: 3, cols: 20)
        s.feed(Array("ab\u{1b}[3bc\r\n中\u{1b}[2b\r\n\u{1b}[31mx\u{1b}[0m\u{1b}[2by".utf8))
        s.feed(Array("\u{1b}[".utf8))
        s.feed(Array("b".utf8))
        #expect(s.dumpText() == "abbbbc\n中中中\nxxxyy")
    }

    @Test("C1 controls sent as UTF-8 are dropped; malformed UTF-8 shows U+FFFD; a character split over two feeds is kept")
    func utf8Cleaning() {
        let s = TerminalScreen(rows: 3, cols: 20)
        s.feed([0x61, 0xC2, 0x9B, 0x62, 0xFF, 0x63, 0xE4, 0x1B, 0x5B, 0x6D, 0x64])
        s.feed([0xC3])
        s.feed([0xA9])
        #expect(s.dumpText().hasPrefix("ab\u{FFFD}c\u{FFFD}dé"))
    }
}
