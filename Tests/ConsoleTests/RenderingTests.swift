import Foundation
import Testing
@testable import ConsoleCore
@testable import ConsoleUI
import TerminalModel

/// libvterm screens drawn by the pane renderer into an in-memory surface: what the user sees in a pane.
@Suite struct PaneRenderingTests {
    func render(_ bytes: String, rows: Int = 4, cols: Int = 12) -> (MemorySurface, TerminalScreen) {
        let screen = TerminalScreen(rows: rows, cols: cols)
        screen.feed(bytes)
        let surface = MemorySurface(rows: rows + 1, cols: cols + 2)
        PaneRenderer().draw(screen, on: surface, in: Rect(row: 1, col: 2, rows: rows, cols: cols), full: true)
        return (surface, screen)
    }

    @Test func coloursAndAttributesReachTheSurface() {
        let (s, _) = render("\u{1b}[1;31mERR\u{1b}[0m ok \u{1b}[38;2;255;135;0;48;5;17mX\u{1b}[7mR\u{1b}[m")
        #expect(s.line(1) == "  ERR ok XR")
        #expect(s[1, 2].style == Style(fg: .indexed(1), bg: .default, attributes: .bold))
        #expect(s[1, 4].style == s[1, 2].style)
        #expect(s[1, 6].style == .plain)
        #expect(s[1, 9].style == Style(fg: .rgb(255, 135, 0), bg: .indexed(17)))
        #expect(s[1, 10].style.attributes == .reverse)
        #expect(s.line(0) == "")      // outside the pane rect: untouched
    }

    @Test func wideCharactersTakeTwoCellsOnTheSurface() {
        let (s, _) = render("漢字ok🙂!")
        #expect(s.line(1) == "  漢字ok🙂!")
        #expect(s[1, 2].text == "漢" && s[1, 3].covered)
        #expect(s[1, 6].text == "o")
        #expect(s[1, 8].text == "🙂" && s[1, 9].covered && s[1, 10].text == "!")
    }

    @Test func alternateScreenThenBackRestoresTheShellScreen() {
        let screen = TerminalScreen(rows: 3, cols: 10)
        let surface = MemorySurface(rows: 3, cols: 10)
        let rect = Rect(row: 0, col: 0, rows: 3, cols: 10)
        screen.feed("$ less f\r\n")
        PaneRenderer().draw(screen, on: surface, in: rect, full: true)
        screen.feed("\u{1b}[?1049h\u{1b}[2J\u{1b}[HPAGE 1\u{1b}[3;1H\u{1b}[7m(END)\u{1b}[m")
        PaneRenderer().draw(screen, on: surface, in: rect, full: false)
        #expect(surface.text() == "PAGE 1\n\n(END)")
        #expect(surface[2, 0].style.attributes == .reverse)
        screen.feed("\u{1b}[?1049l")
        PaneRenderer().draw(screen, on: surface, in: rect, full: false)
        #expect(surface.text() == "$ less f\n\n")
        #expect(surface[2, 0].style == .plain)
    }

    @Test func onlyDamagedRowsAreRedrawn() {
        let screen = TerminalScreen(rows: 20, cols: 40)
        let surface = MemorySurface(rows: 20, cols: 40)
        let rect = Rect(row: 0, col: 0, rows: 20, cols: 40)
        PaneRenderer().draw(screen, on: surface, in: rect, full: true)
        surface.resetWriteCount()
        screen.feed("\u{1b}[10;1Hhello")
        let drawn = PaneRenderer().draw(screen, on: surface, in: rect, full: false)
        #expect(drawn <= 2)
        #expect(surface.writes <= 2 * 40)
        #expect(surface.line(9) == "hello")
        surface.resetWriteCount()
        #expect(PaneRenderer().draw(screen, on: surface, in: rect, full: false) == 0)
        #expect(surface.writes == 0)
    }

    @Test func copyModeShowsScrollback() {
        let screen = TerminalScreen(rows: 3, cols: 10)
        for i in 1...6 { screen.feed("l\(i)\r\n") }
        let surface = MemorySurface(rows: 3, cols: 10)
        PaneRenderer().draw(screen, on: surface, in: Rect(row: 0, col: 0, rows: 3, cols: 10), full: true, scrollback: 2)
        #expect(surface.text() == "l3\nl4\nl5")
    }
}

@Suite struct ViewRenderingTests {
    @Test func fleetScreenShowsHeaderCountsRowsAndStatusColours() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var model = FleetModel()
        model.update(FakeFleetSource.synthesize(count: 5, now: now))
        let s = MemorySurface(rows: 12, cols: 120)
        let r = ViewRenderer(theme: .builtinDefault, now: now)
        r.header(s, context: "prod-admin", summary: model.summary)
        r.tabBar(s, workspace: Workspace())
        r.fleet(s, in: Workspace.body(rows: 12, cols: 120), model: &model)
        #expect(s.line(0).contains("gangway ▸ prod-admin") && s.line(0).contains("Online 4") && s.line(0).contains("Lost 1"))
        #expect(s.line(0).contains("(1 behind)"))
        #expect(s.line(1).contains("1 Fleet") && s.line(1).contains("3 Audit"))
        #expect(s.line(2).hasPrefix("NAME↑") && s.line(2).hasSuffix("5/5"))
        #expect(s.line(3).hasPrefix("api-4"))
        let lost = (3..<8).first { s.line($0).hasPrefix("batch-3") }!
        #expect(s.line(lost).contains("ConnectionLost"))
        let statusCol = FleetColumn.name.width + 1 + FleetColumn.id.width + 1
        #expect(s[lost, statusCol].style == Theme.builtinDefault.style(.statusLost))
        #expect(s[3, 0].style == Theme.builtinDefault.style(.selection))
    }

    @Test func anUnreachableControlPlaneIsSaidInTheHeaderAndTheEmptyFleet() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let r = ViewRenderer(theme: .builtinDefault, now: now)
        // Never reached: the empty view names the error instead of "No instances (yet).".
        var model = FleetModel()
        model.fetchFailed("cannot reach http://127.0.0.1:1/: Couldn't connect to server", at: now)
        var s = MemorySurface(rows: 12, cols: 160)
        r.header(s, context: "prod-admin", summary: model.summary)
        r.fleet(s, in: Workspace.body(rows: 12, cols: 160), model: &model)
        #expect(s.line(0).contains("⚠ unreachable since"), "\(s.line(0))")
        #expect(s.line(4).contains("Cannot list the fleet: cannot reach http://127.0.0.1:1/"), "\(s.line(4))")
        // Reached once, then lost: the rows stay, the header says they are stale and since when; stays the first time.
        model.update(FakeFleetSource.synthesize(count: 3, now: now))
        #expect(model.summary.unreachableSince == nil)
        model.fetchFailed("boom", at: now.addingTimeInterval(5))
        model.fetchFailed("boom", at: now.addingTimeInterval(10))
        #expect(model.summary.unreachableSince == now.addingTimeInterval(5))
        s = MemorySurface(rows: 12, cols: 160)
        r.header(s, context: "prod-admin", summary: model.summary)
        r.fleet(s, in: Workspace.body(rows: 12, cols: 160), model: &model)
        #expect(s.line(0).contains("Online") && s.line(0).contains("figures stale"))
        #expect(!s.line(3).isEmpty && !s.line(3).contains("Cannot list"), "the rows from before stay: \(s.line(3))")
        // The next good refresh clears it.
        model.update(FakeFleetSource.synthesize(count: 3, now: now))
        s = MemorySurface(rows: 12, cols: 160)
        r.header(s, context: "prod-admin", summary: model.summary)
        #expect(!s.line(0).contains("unreachable"))
    }

    @Test func sessionHistorySaysWhyEachSessionEnded() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let r = ViewRenderer(theme: .builtinDefault, now: now)
        var model = SessionsModel()
        model.showHistory = true
        model.update([SessionRow(id: "alice-0123456789abcdef0", owner: "alice", target: "mi-0aaaaaaaaaaaaaaaa",
                                 status: .terminated, started: now.addingTimeInterval(-90), ended: now, reason: "INC-42",
                                 details: "Session alice-0123456789abcdef0 was terminated by bob.")])
        // 150 columns (a common terminal): the sentence gets the width left.
        let s = MemorySurface(rows: 8, cols: 150)
        r.sessions(s, in: Rect(row: 0, col: 0, rows: 8, cols: 150), model: &model)
        #expect(s.line(0).contains("REASON") && s.line(0).contains("WHY IT ENDED") && !s.line(0).contains("IDLE"), "\(s.line(0))")
        #expect(s.line(1).contains("INC-42") && s.line(1).contains("was terminated by bob."), "\(s.line(1))")

        // 120 columns: no room for REASON beside the why; the why stays (before, both were dropped).
        let narrow = MemorySurface(rows: 8, cols: 120)
        r.sessions(narrow, in: Rect(row: 0, col: 0, rows: 8, cols: 120), model: &model)
        #expect(narrow.line(0).contains("WHY IT ENDED") && !narrow.line(0).contains("REASON"), "\(narrow.line(0))")
        #expect(narrow.line(1).contains("was terminat"), "\(narrow.line(1))")  // its start; Enter shows all
    }

    @Test func firstPaintOfTenThousandInstancesIsFast() {
        let r = ConsoleBench.firstPaint(instances: 10_000)
        #expect(r.screen.contains("10000/10000"))
        #expect(r.seconds < 2.0)     // debug build on a busy CI box; the release figure is in the bench report
    }
}

@Suite struct ScreenTextTests {
    @Test func controlAndBidiCharactersShowAsOneVisibleCharacterEach() {
        #expect(ScreenText.visible("a\nb\u{1b}[2J\u{7f}\u{9b}\u{202e}z") == "a␊b␛[2J␡\u{FFFD}\u{FFFD}z")
        #expect(ScreenText.visible("web-1 ✓ 名前") == "web-1 ✓ 名前")
        #expect(ScreenText.visible("a\u{2028}b\u{2029}c") == "a\u{FFFD}b\u{FFFD}c")
        // On a surface the text keeps its length: the next cell is where the layout put it.
        let surface = MemorySurface(rows: 2, cols: 12)
        surface.write(row: 0, col: 0, "ab\ncd\tef", style: Style(), limit: 12)
        #expect(surface.line(0).hasPrefix("ab␊cd␉ef"))
        #expect(surface.line(1).trimmingCharacters(in: .whitespaces).isEmpty)
    }
}

@Suite struct TableHeaderTests {
    /// A filter on the Audit view hid its RESULT column at 118 columns (the flag took its room); now the flag is cut,
    /// RESULT comes before SOURCE IP, and a failure's RESULT cell is drawn as an error.
    @Test func aLongFilterIsCutBeforeAColumnGoes() {
        var m = AuditModel()
        m.merge([AuditRow(id: "1", time: Date(timeIntervalSince1970: 0), principal: "bob", event: "StartSession",
                          target: "mi-1", sourceIP: "10.0.0.1", result: "AccessDeniedException"),
                 AuditRow(id: "2", time: Date(timeIntervalSince1970: 60), principal: "alice", event: "StartSession",
                          target: "mi-1", sourceIP: "10.0.0.2")])
        m.filter = "StartSession 10.0"
        let surface = MemorySurface(rows: 4, cols: 118)
        let theme = Theme.builtinDefault
        ViewRenderer(theme: theme).audit(surface, in: Rect(row: 0, col: 0, rows: 4, cols: 118), model: &m)
        let header = surface.line(0)
        #expect(header.contains("TARGET") && header.contains("RESULT"), "\(header)")
        #expect(header.contains("[follow] /Sta") && header.contains("…"), "\(header)")
        // Row 1 is alice's (newest, selected); row 2 bob's denied call, its RESULT cell in the error style.
        let row = surface.line(2)
        let col = header.distance(from: header.startIndex, to: header.range(of: "RESULT")!.lowerBound)
        #expect(row.contains("bob") && row.contains("AccessDeniedEx"), "\(row)")
        #expect(surface.cells[2 * 118 + col].style == theme.style(.error))
    }
}
