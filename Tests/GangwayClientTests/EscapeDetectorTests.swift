import Testing
@testable import GangwayClient

@Suite struct EscapeDetectorTests {
    func b(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test func tildeDotAtStartDisconnects() {
        var e = EscapeDetector()
        let r = e.feed(b("~."))
        #expect(r.forward.isEmpty && r.action == .disconnect)
    }

    @Test func tildeDotAfterEnterDisconnectsAndForwardsTheEnter() {
        var e = EscapeDetector()
        #expect(e.feed(b("ls")).forward == b("ls"))
        let r = e.feed(b("\r~.more"))
        #expect(r.forward == b("\r") && r.action == .disconnect)
    }

    @Test func escapeSplitAcrossReads() {
        var e = EscapeDetector()
        _ = e.feed(b("echo\r"))
        let first = e.feed(b("~"))
        #expect(first.forward.isEmpty && first.action == .none)
        #expect(e.feed(b(".")).action == .disconnect)
    }

    @Test func tildeMidLineIsPlainText() {
        var e = EscapeDetector()
        let r = e.feed(b("cd ~.\r"))
        #expect(r.forward == b("cd ~.\r") && r.action == .none)
    }

    @Test func doubleTildeSendsOneAndOtherCharsPassThrough() {
        var e = EscapeDetector()
        #expect(e.feed(b("~~.")).forward == b("~."))
        var f = EscapeDetector()
        #expect(f.feed(b("~x")).forward == b("~x"))
        var g = EscapeDetector()
        #expect(g.feed(b("~?")).action == .help)
        #expect(g.feed(b("~.")).action == .disconnect)
    }
}
