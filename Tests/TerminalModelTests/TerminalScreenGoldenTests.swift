import Testing
@testable import TerminalModel

/// Golden screens: what a user would see in a pane after a program wrote these bytes.
@Suite struct TerminalScreenGoldenTests {
    @Test func plainTextAndNewlines() {
        let s = TerminalScreen(rows: 3, cols: 10)
        s.feed("hello\r\nworld")
        #expect(s.dumpText() == "hello\nworld\n")
        #expect(s.cursor.row == 1 && s.cursor.col == 5)
        #expect(s.dumpAttributes() == "")
    }

    @Test func sgrColoursAndAttributes() {
        let s = TerminalScreen(rows: 2, cols: 20)
        s.feed("\u{1b}[1;31mRED\u{1b}[0m \u{1b}[4;38;5;208mORG\u{1b}[0m \u{1b}[7;38;2;1;2;3;48;2;250;128;0mTC\u{1b}[0m")
        s.feed("\r\n\u{1b}[3;44mital\u{1b}[m")
        #expect(s.dumpText() == "RED ORG TC\nital")
        #expect(s.dumpAttributes() == """
            r0 c0-2 fg=i1 bg=def bold
            r0 c4-6 fg=i208 bg=def underline
            r0 c8-9 fg=#010203 bg=#fa8000 reverse
            r1 c0-3 fg=def bg=i4 italic
            """)
    }

    @Test func wideCharactersOccupyTwoCells() {
        let s = TerminalScreen(rows: 2, cols: 10)
        s.feed("a漢字b\r\n🙂x")
        #expect(s.dumpText() == "a漢字b\n🙂x")
        let left = s.cell(row: 0, col: 1)
        #expect(left.text == "漢" && left.width == 2 && !left.isWideContinuation)
        #expect(s.cell(row: 0, col: 2).isWideContinuation)
        #expect(s.cell(row: 0, col: 5).text == "b")
        #expect(s.cell(row: 1, col: 0).width == 2)
        #expect(s.cell(row: 1, col: 2).text == "x")
        #expect(s.cursor.col == 3)
    }

    @Test func combiningCharactersStayInOneCell() {
        let s = TerminalScreen(rows: 1, cols: 5)
        s.feed("e\u{301}x")
        #expect(s.cell(row: 0, col: 0).text == "e\u{301}")
        #expect(s.cell(row: 0, col: 1).text == "x")
    }

    @Test func alternateScreenRestoresMainScreenOnLeave() {
        let s = TerminalScreen(rows: 3, cols: 10)
        s.feed("shell$ vim\r\n")
        s.feed("\u{1b}[?1049h\u{1b}[H\u{1b}[2JVIM BUFFER\u{1b}[3;1H~")
        #expect(s.isAlternateScreen)
        #expect(s.dumpText() == "VIM BUFFER\n\n~")
        s.feed("\u{1b}[?1049l")
        #expect(!s.isAlternateScreen)
        #expect(s.dumpText() == "shell$ vim\n\n")
        #expect(s.cursor.row == 1 && s.cursor.col == 0)
    }

    @Test func cursorMotionAndErase() {
        let s = TerminalScreen(rows: 4, cols: 10)
        s.feed("\u{1b}[3;5HX\u{1b}[1;1HY\u{1b}[2B\u{1b}[4CZ")
        #expect(s.dumpText() == "Y\n\n    XZ\n")
        s.feed("\u{1b}[3;1H\u{1b}[2K")
        #expect(s.dumpText() == "Y\n\n\n")
        s.feed("\u{1b}[10;10H")
        #expect(s.cursor.row == 3 && s.cursor.col == 9)
    }

    @Test func scrollingPushesLinesIntoBoundedScrollback() {
        let s = TerminalScreen(rows: 3, cols: 8, scrollbackLines: 4)
        for i in 1...9 { s.feed("line\(i)\r\n") }
        #expect(s.dumpText() == "line8\nline9\n")
        #expect(s.scrollbackCount == 4)
        #expect(TerminalScreen.text(of: s.scrollbackLine(0)) == "line7")
        #expect(TerminalScreen.text(of: s.scrollbackLine(3)) == "line4")
        #expect(s.scrollbackLine(4).isEmpty)
    }

    @Test func scrollRegionKeepsLinesOutsideIt() {
        let s = TerminalScreen(rows: 4, cols: 6)
        s.feed("top\r\na\r\nb\r\nbottom\u{1b}[2;3r\u{1b}[3;1H\n\nc")
        #expect(s.dumpText() == "top\n\nc\nbottom")
    }

    @Test func resizeKeepsTextAndMarksEverythingDamaged() {
        let s = TerminalScreen(rows: 3, cols: 10)
        s.feed("abc\r\ndef")
        _ = s.takeDamage()
        s.resize(rows: 5, cols: 20)
        #expect(s.rows == 5 && s.cols == 20)
        #expect(s.takeDamage() == 0..<5)
        #expect(s.dumpText().hasPrefix("abc\ndef"))
    }

    @Test func titleFromOSC() {
        let s = TerminalScreen(rows: 2, cols: 10)
        s.feed("\u{1b}]2;ip-10-0-0-1: htop\u{7}")
        #expect(s.title == "ip-10-0-0-1: htop")
        s.feed("\u{7}")
        #expect(s.bellCount == 1)
    }
}
