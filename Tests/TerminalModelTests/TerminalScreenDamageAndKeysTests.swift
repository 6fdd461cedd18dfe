import Testing
@testable import TerminalModel

@Suite struct TerminalScreenDamageAndKeysTests {
    @Test func damageCoversOnlyTouchedRows() {
        let s = TerminalScreen(rows: 10, cols: 20)
        _ = s.takeDamage()
        #expect(s.takeDamage() == nil)
        s.feed("\u{1b}[5;1Hhello")
        let d = s.takeDamage()
        #expect(d != nil && d!.contains(4) && d!.lowerBound >= 0 && d!.upperBound <= 5)
        #expect(s.takeDamage() == nil)
    }

    @Test func scrollingDamagesTheWholeScrolledRegion() {
        let s = TerminalScreen(rows: 5, cols: 10)
        s.feed("\u{1b}[5;1H")
        _ = s.takeDamage()
        s.feed("x\r\n")
        #expect(s.takeDamage() == 0..<5)
    }

    @Test func keysEncodeAsAProgramExpects() {
        let s = TerminalScreen(rows: 2, cols: 10)
        #expect(s.encode(character: "a") == [0x61])
        #expect(s.encode(character: "c", modifiers: .ctrl) == [0x03])
        #expect(s.encode(character: "x", modifiers: .alt) == [0x1b, 0x78])
        #expect(s.encode(character: "é") == Array("é".utf8))
        #expect(s.encode(key: .enter) == [0x0d])
        #expect(s.encode(key: .up) == Array("\u{1b}[A".utf8))
        // Application cursor keys (DECCKM), as vim and less turn on.
        s.feed("\u{1b}[?1h")
        #expect(s.encode(key: .up) == Array("\u{1b}OA".utf8))
        #expect(s.encode(key: .function(1)) == Array("\u{1b}OP".utf8))
    }

    @Test func bracketedPasteWrapsPastedText() {
        let s = TerminalScreen(rows: 2, cols: 10)
        #expect(s.encode(paste: "ls") == Array("ls".utf8))
        s.feed("\u{1b}[?2004h")
        #expect(s.encode(paste: "ls") == Array("\u{1b}[200~ls\u{1b}[201~".utf8))
    }

    @Test func deviceStatusQueriesAreAnswered() {
        let s = TerminalScreen(rows: 5, cols: 10)
        s.feed("\u{1b}[3;4H\u{1b}[6n")
        #expect(s.takeOutput() == Array("\u{1b}[3;4R".utf8))
        #expect(s.takeOutput().isEmpty)
    }

    @Test func largeStreamParsesWithoutLosingTheTail() {
        let s = TerminalScreen(rows: 24, cols: 80)
        var chunk: [UInt8] = []
        for i in 0..<5_000 { chunk += Array("\u{1b}[3\(i % 8)mrow \(i)\u{1b}[0m\r\n".utf8) }
        s.feed(chunk)
        #expect(s.dumpText().contains("row 4999"))
        #expect(s.scrollbackCount > 1_000)
    }
}
