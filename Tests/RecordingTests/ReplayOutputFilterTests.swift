import Recording
import Testing

/// `gangway replay` leaves out what a recorded program could make the viewer's terminal do beyond drawing.
@Suite struct ReplayOutputFilterTests {
    func run(_ text: String) -> (String, ReplayOutputFilter.Dropped) {
        var f = ReplayOutputFilter()
        let out = f.filter(Array(text.utf8))
        return (String(decoding: out, as: UTF8.self), f.dropped)
    }

    @Test func drawingPassesUnchanged() {
        let screen = "plain é日本\r\n\u{1b}[1;31mred\u{1b}[0m\u{1b}[2J\u{1b}[H\u{1b}[10;5H\u{1b}[K\u{1b}[?1049h\u{1b}[?25l" +
            "\u{1b}[3;20r\u{1b}M\u{1b}7\u{1b}8\u{1b}(B\u{1b}(0qqq\u{1b}(B\u{1b}[4h\u{1b}[4l\u{1b}[?1049l\u{1b}[s\u{1b}[u" +
            "\u{1b}[2 q\u{1b}=\u{1b}>\u{1b}[38;5;196m\u{1b}[38:2::1:2:3m\u{1b}c\t\u{07}\u{08}"
        let (out, dropped) = run(screen)
        #expect(out == screen)
        #expect(dropped.total == 0)
    }

    @Test func reportsStringsAndInputModesAreLeftOutAndCounted() {
        let hostile = [
            "\u{1b}]52;c;Y3VybCBldmlsIHwgc2gK\u{07}",  // OSC 52: set the viewer's clipboard
            "\u{1b}]0;title\u{1b}\\",                  // title, ST-terminated
            "\u{1b}]8;;https://evil.example/\u{1b}\\link\u{1b}]8;;\u{1b}\\",  // hyperlink around "link"
            "\u{1b}[6n", "\u{1b}[c", "\u{1b}[>c", "\u{1b}[21t", "\u{1b}[8;100;300t", "\u{1b}[?2026$p", "\u{1b}[>q",
            "\u{1b}[?u", "\u{1b}Z", "\u{05}", "\u{1b}[1$u", "\u{1b}[1$w", "\u{1b}[1;1;1;1;1;1*y", "\u{1b}[5i",
            "\u{1b}P$qm\u{1b}\\", "\u{1b}P+q544e\u{1b}\\", "\u{1b}_apc\u{1b}\\", "\u{1b}^pm\u{1b}\\", "\u{1b}Xsos\u{1b}\\",
            "\u{1b}[?1000h", "\u{1b}[?1006;1000h", "\u{1b}[?1004h", "\u{1b}[?2004h", "\u{1b}[>4;2m", "\u{1b}[>1u",
            "\u{1b}[?1000s", "\u{1b}[?1000r",
            "\u{9b}6n",  // U+009B, a C1 CSI as UTF-8: the "6n" after it is plain text then
        ]
        let (out, dropped) = run("a" + hostile.joined() + "b")
        #expect(out == "alink6nb")
        #expect(dropped.reports == 14)
        #expect(dropped.strings == 9)
        #expect(dropped.inputModes == 8)
        #expect(dropped.c1Controls == 1)
    }

    @Test func aModeListWithoutInputModesPassesAndOneWithThemIsLeftOutWhole() {
        #expect(run("\u{1b}[?25;1049h").0 == "\u{1b}[?25;1049h")
        #expect(run("\u{1b}[?25;1002h").0 == "")
    }

    @Test func sequencesSplitAcrossWritesAreFilteredTheSame() {
        let text = "x\u{1b}]52;c;AAAA\u{1b}\\y\u{1b}[31mz\u{1b}[6nw é\u{1b}[?1000h!\u{c2}\u{9b}\u{1b}P1$r\u{1b}\\end"
        let whole = run(text)
        let bytes = Array(text.utf8)
        for cut in 1..<bytes.count {
            var f = ReplayOutputFilter()
            let out = f.filter(Array(bytes[..<cut])) + f.filter(Array(bytes[cut...]))
            #expect(String(decoding: out, as: UTF8.self) == whole.0, "cut at \(cut)")
            #expect(f.dropped == whole.1, "cut at \(cut)")
        }
        // And byte by byte.
        var f = ReplayOutputFilter()
        let out = bytes.flatMap { f.filter([$0]) }
        #expect(String(decoding: out, as: UTF8.self) == whole.0)
    }

    @Test func unterminatedAndOverlongSequencesNeverSwallowTheRestOrGrowWithoutBound() {
        // A CSI too long to be real is dropped and what follows is text again.
        let long = "\u{1b}[" + String(repeating: "1;", count: 400) + "mafter"
        let (out, dropped) = run(long)
        #expect(out.hasSuffix("after"))
        #expect(!out.contains("\u{1b}"))
        #expect(dropped.oversized == 1)
        // CAN aborts a string; a new ESC ends one (as xterm does).
        #expect(run("\u{1b}]0;never ends\u{18}visible").0 == "visible")
        #expect(run("\u{1b}]0;x\u{1b}[1mbold").0 == "\u{1b}[1mbold")
        // C0 controls inside a CSI act at once, as terminals do.
        #expect(run("\u{1b}[1\r2m").0 == "\r\u{1b}[12m")
    }
}
