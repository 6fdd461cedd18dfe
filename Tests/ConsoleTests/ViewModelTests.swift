import Foundation
import Testing
@testable import ConsoleCore

@Suite struct FleetModelTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    var rows: [InstanceRow] { FakeFleetSource.synthesize(count: 12, now: now) }

    @Test func fuzzyFilterNarrowsAndTagFilterMatchesTags() {
        var m = FleetModel()
        m.update(rows)
        m.filter = FleetFilter("web")
        #expect(m.lines.compactMap(\.instance?.name) == ["web-0", "web-10"])
        m.filter = FleetFilter("nprd")         // fuzzy: n…p…r…d
        #expect(Set(m.lines.compactMap(\.instance?.name)) == ["node-prod-2", "node-prod-8"])
        m.filter = FleetFilter("tag:eks:cluster-name=staging")
        #expect(Set(m.lines.compactMap(\.instance?.name)) == ["node-staging-5", "node-staging-11"])
        m.filter = FleetFilter("tag:env=dev web")
        #expect(m.lines.compactMap(\.instance?.name).isEmpty)
        m.filter = FleetFilter("status:lost")
        #expect(m.lines.compactMap(\.instance?.name) == ["batch-3"])
    }

    @Test func sortByColumnAndReverse() {
        var m = FleetModel()
        m.update(rows)
        m.sortColumn = .ip
        #expect(m.lines.first?.instance?.ip == "10.0.0.1")
        #expect(m.lines[1].instance?.ip == "10.0.0.2")     // numeric, not "10.0.0.10"
        m.sortDescending = true
        #expect(m.lines.first?.instance?.ip == "10.0.0.12")
        m.sortColumn = .agent
        m.sortDescending = false
        #expect(m.lines.first?.instance?.agentVersion == "3.2.1582.0")
    }

    @Test func eksGroupingNestsClusterNodegroupNode() {
        var m = FleetModel()
        m.update(rows)
        m.groupEKS = true
        guard case .cluster(let c, let n, _) = m.lines[0] else { Issue.record("first line \(m.lines[0])"); return }
        #expect(c == "prod" && n == 2)
        guard case .nodegroup(_, let g, _, _) = m.lines[1] else { Issue.record("second line \(m.lines[1])"); return }
        #expect(g == "general" || g == "gpu")
        #expect(m.lines.contains { if case .instance(let r, 2) = $0 { return r.cluster == "staging" }; return false })
        // Non-EKS instances follow, ungrouped.
        #expect(m.lines.last?.instance?.cluster == nil)
        #expect(m.lines.compactMap(\.instance).count == 12)
    }

    @Test func summaryCountsOnlineLostAndDrift() {
        var m = FleetModel()
        m.update(rows)
        m.sessionsOpen = 3
        let s = m.summary
        #expect(s.total == 12 && s.online == 11 && s.lost == 1)
        #expect(s.newestAgent == "3.3.40.0" && s.drifted == 2)
        #expect(s.sessionsOpen == 3)
    }

    @Test func selectionStaysOnTheSameInstanceAcrossRefreshes() {
        var m = FleetModel()
        m.update(rows)
        m.cursor.move(by: 4, count: m.lines.count)
        let picked = m.selectedInstance!.id
        m.update(rows.reversed())
        #expect(m.selectedInstance?.id == picked)
        m.update(rows.filter { $0.id != picked })
        #expect(m.selectedInstance != nil)
    }
}

@Suite struct SessionsAndAuditModelTests {
    @Test func terminateNeedsConfirmationAndOnlyForActiveSessions() {
        var m = SessionsModel()
        m.update([SessionRow(id: "s1", owner: "a", target: "i-1", status: .connected, started: Date()),
                  SessionRow(id: "s0", owner: "a", target: "i-1", status: .terminated, started: Date(timeIntervalSinceNow: -60))])
        #expect(m.selected?.id == "s1")
        let asked = m.requestTerminate()
        #expect(asked)
        #expect(m.pendingTerminate?.id == "s1")
        m.cancelTerminate()
        #expect(m.pendingTerminate == nil)
        let again = m.requestTerminate()
        #expect(again)
        let confirmed = m.confirmTerminate()
        #expect(confirmed?.id == "s1")
        #expect(m.pendingTerminate == nil)
        m.cursor.move(by: 1, count: m.visible.count)
        let refused = m.requestTerminate()
        #expect(!refused)                        // already terminated
    }

    @Test func auditMergesByIdNewestFirstAndFollows() {
        var m = AuditModel(capacity: 3)
        let t = Date(timeIntervalSince1970: 1_000)
        m.merge([AuditRow(id: "a", time: t, principal: "p", event: "StartSession")])
        m.merge([AuditRow(id: "a", time: t, principal: "p", event: "StartSession"),
                 AuditRow(id: "b", time: t.addingTimeInterval(1), principal: "p", event: "TerminateSession")])
        #expect(m.rows.map(\.id) == ["b", "a"])
        m.follow = false
        m.cursor.move(by: 1, count: 2)
        m.merge([AuditRow(id: "c", time: t.addingTimeInterval(2), principal: "q", event: "StartSession", result: "AccessDenied")])
        #expect(m.selectedRow?.id == "a")       // paused: stays put
        m.follow = true
        m.merge([AuditRow(id: "d", time: t.addingTimeInterval(3), principal: "q", event: "StartSession")])
        #expect(m.selectedRow?.id == "d" && m.rows.count == 3)   // bounded
        m.filter = "denied"
        #expect(m.visible.map(\.id) == ["c"] && m.visible[0].isFailure)
    }

    /// The Audit view pages: a refresh brings the newest page and merges it when it reaches what is shown; the
    /// selection at the end asks for the page below; a refresh that does not reach what is shown (more happened
    /// than a page holds) replaces the list rather than showing a gap as if it were contiguous.
    @Test func auditPagesOlderEventsAndNeverShowsAGapAsContiguous() {
        let t = Date(timeIntervalSince1970: 1_000)
        func row(_ i: Int) -> AuditRow { AuditRow(id: "e\(i)", time: t.addingTimeInterval(Double(i)), principal: "p", event: "StartSession") }
        func page(_ ids: ClosedRange<Int>, older: String?) -> AuditPage { AuditPage(rows: ids.reversed().map(row), older: older) }
        var m = AuditModel()
        m.receiveNewest(page(8...10, older: "t7"))
        #expect(m.rows.map(\.id) == ["e10", "e9", "e8"] && m.olderToken == "t7")
        #expect(!m.wantsOlder)                       // the selection is on the newest
        m.cursor.move(by: 2, count: m.visible.count)
        #expect(m.wantsOlder)
        m.fetchingOlder()
        #expect(!m.wantsOlder)                       // one at a time
        // A refresh meanwhile overlaps (e10): merged; the older token stays where the list ends.
        m.receiveNewest(page(10...12, older: "x"))
        #expect(m.rows.map(\.id) == ["e12", "e11", "e10", "e9", "e8"] && m.olderToken == "t7")
        m.receiveOlder(page(5...7, older: "t4"), token: "t7")
        #expect(m.rows.count == 8 && m.rows.last?.id == "e5" && m.olderToken == "t4" && !m.loadingOlder)
        m.receiveOlder(page(1...4, older: nil), token: "t4")
        #expect(m.rows.count == 12 && m.olderToken == nil)
        m.cursor.move(by: 100, count: m.visible.count)
        #expect(!m.wantsOlder)                       // everything is here
        // Twenty new events, a refresh page of three: e13…e29 are not here, so the page replaces the list; an
        // older page asked before (with the old list's token) is dropped when it comes.
        m.fetchingOlder()
        m.receiveNewest(page(30...32, older: "t29"))
        #expect(m.rows.map(\.id) == ["e32", "e31", "e30"] && m.olderToken == "t29" && !m.loadingOlder)
        m.receiveOlder(page(0...0, older: nil), token: "t4")
        #expect(m.rows.count == 3 && m.olderToken == "t29")
    }

    /// CloudTrail times are whole seconds: within one, gangwayd's events keep their log order (sequence) and
    /// others the order the service listed them, across refreshes and older pages. (They were ordered by their
    /// random ids: an agent's registration showed among the calls made after it.)
    @Test func eventsOfOneSecondKeepTheLogsOrder() {
        let t = Date(timeIntervalSince1970: 1_000)
        func row(_ id: String, seq: Int?) -> AuditRow {
            var detail: AuditDetail? = nil
            if let seq { detail = AuditDetail(); detail?.sequence = seq }
            return AuditRow(id: id, time: t, principal: "p", event: "E", detail: detail)
        }
        var m = AuditModel()
        m.receiveNewest(AuditPage(rows: [row("zz", seq: 5), row("aa", seq: 4)], older: "t"))
        m.receiveOlder(AuditPage(rows: [row("mm", seq: 3), row("bb", seq: 1)], older: nil), token: "t")
        m.receiveNewest(AuditPage(rows: [row("cc", seq: 6), row("zz", seq: 5)], older: "u"))
        #expect(m.rows.map(\.id) == ["cc", "zz", "aa", "mm", "bb"])
        var aws = AuditModel()   // no sequence: as listed, newest first
        aws.receiveNewest(AuditPage(rows: [row("b", seq: nil), row("z", seq: nil)], older: "t"))
        aws.receiveOlder(AuditPage(rows: [row("y", seq: nil), row("a", seq: nil)], older: nil), token: "t")
        aws.receiveNewest(AuditPage(rows: [row("c", seq: nil), row("b", seq: nil)], older: nil))
        #expect(aws.rows.map(\.id) == ["c", "b", "z", "y", "a"])
    }

    /// A filter whose matches do not fill the view fetches older pages by itself, at most `filterPages` per filter.
    @Test func aFilterFetchesOlderPagesUntilItsMatchesFillTheView() {
        let t = Date(timeIntervalSince1970: 1_000)
        var m = AuditModel()
        m.receiveNewest(AuditPage(rows: [AuditRow(id: "n", time: t, principal: "p", event: "StartSession")], older: "t"))
        #expect(!m.wantsOlderForFilter(height: 5))          // no filter: only End fetches
        m.filter = "RegisterAgent"
        #expect(m.wantsOlderForFilter(height: 5))
        for _ in 0..<AuditModel.filterPages {
            #expect(m.wantsOlderForFilter(height: 5))
            m.fetchingOlderForFilter()
            #expect(!m.wantsOlderForFilter(height: 5))      // one at a time
            m.receiveOlder(AuditPage(rows: [], older: "t"), token: "t")
        }
        #expect(!m.wantsOlderForFilter(height: 5))          // its pages are spent
        m.filter = "StartSession"
        #expect(!m.wantsOlderForFilter(height: 1))          // matches fill the view
        #expect(m.wantsOlderForFilter(height: 5))           // a new filter has pages again
        m.fetchingOlderForFilter()
        m.olderFailed()
        #expect(!m.wantsOlderForFilter(height: 5))          // a failure stops it (End may try again)
        m.cursor.move(by: 10, count: m.visible.count)
        #expect(m.wantsOlder)
    }

    /// A full list fetches no older page (its token would skip the events that gave way) and says so.
    @Test func aFullAuditListStopsPaging() {
        let t = Date(timeIntervalSince1970: 1_000)
        var m = AuditModel(capacity: 4)
        m.receiveNewest(AuditPage(rows: (1...3).reversed().map { AuditRow(id: "e\($0)", time: t.addingTimeInterval(Double($0)), principal: "p", event: "E") },
                                  older: "t0"))
        m.receiveOlder(AuditPage(rows: [AuditRow(id: "a", time: t, principal: "p", event: "E"),
                                        AuditRow(id: "b", time: t.addingTimeInterval(-1), principal: "p", event: "E")], older: "t-2"),
                       token: "t0")
        #expect(m.rows.count == 4 && m.full && m.olderToken == nil)
        m.cursor.move(by: 10, count: m.visible.count)
        #expect(!m.wantsOlder)
        #expect(ViewRenderer.auditFooter(m)?.contains("gangway audit lookup") == true)
    }

    @Test func aFilterTermMatchesWithinOneFieldNotAcrossThem() {
        var m = AuditModel()
        let t = Date(timeIntervalSince1970: 1_000)
        m.merge([AuditRow(id: "agent", time: t, principal: "mi-38b00a08d076237e0", event: "UpdateInstanceInformation",
                          target: "mi-38b00a08d076237e0"),
                 AuditRow(id: "bob", time: t, principal: "bob", event: "StartSession", target: "mi-38b00a08d076237e0",
                          result: "AccessDeniedException", sessionId: "bob-0123"),
                 AuditRow(id: "bob2", time: t, principal: "bob", event: "DescribeSessions")])
        m.filter = "bob"   // b…o…b ran across the agent's id, "Information" and its id again
        #expect(Set(m.visible.map(\.id)) == ["bob", "bob2"])
        m.filter = "bob start"
        #expect(m.visible.map(\.id) == ["bob"])
        m.filter = "bob-0123"   // a session's audit trail (a)
        #expect(m.visible.map(\.id) == ["bob"])

        var sessions = SessionsModel()
        sessions.update([SessionRow(id: "alice-1", owner: "alice", target: "mi-1", status: .connected, reason: "db migration"),
                         SessionRow(id: "bob-2", owner: "bob", target: "mi-2", status: .connected)])
        sessions.filter = "alice db"
        #expect(sessions.visible.map(\.id) == ["alice-1"])
        sessions.filter = "ab"   // a…b across "alice-1" and "db migration" before; now no single field has it
        #expect(sessions.visible.isEmpty)
    }

    @Test func sessionTargetsReadAsTheirInstancesUniqueNames() {
        var m = SessionsModel()
        m.setFleet([InstanceRow(id: "mi-1", name: "db-1", pingStatus: .online),
                    InstanceRow(id: "mi-2", name: "vm", pingStatus: .online),
                    InstanceRow(id: "mi-3", name: "vm", pingStatus: .online)])
        m.update([SessionRow(id: "alice-1", owner: "alice", target: "mi-1", status: .connected),
                  SessionRow(id: "bob-2", owner: "bob", target: "mi-2", status: .connected),
                  SessionRow(id: "carol-3", owner: "carol", target: "mi-9", status: .connected)])
        #expect(m.targetLabel("mi-1") == "db-1")
        #expect(m.targetLabel("mi-2") == "mi-2")   // two instances are called "vm": only the id tells them apart
        #expect(m.targetLabel("mi-9") == "mi-9")   // not in the fleet (deregistered)
        m.filter = "db-1"
        #expect(m.visible.map(\.id) == ["alice-1"])
        // On the screen.
        let surface = MemorySurface(rows: 6, cols: 120)
        ViewRenderer(theme: .builtinDefault).sessions(surface, in: Rect(row: 0, col: 0, rows: 6, cols: 120), model: &m)
        #expect(surface.line(1).contains("alice") && surface.line(1).contains("db-1 "), "\(surface.text())")
    }
}

@Suite struct LayoutTests {
    @Test func splitsTileTheBodyWithoutOverlap() {
        let area = Rect(row: 2, col: 0, rows: 37, cols: 120)
        let layout = PaneLayout.pane(1).splitting(1, with: 2, axis: .vertical).splitting(2, with: 3, axis: .horizontal)
        let rects = layout.rects(in: area)
        #expect(rects[1] == Rect(row: 2, col: 0, rows: 37, cols: 59))
        #expect(rects[2] == Rect(row: 2, col: 60, rows: 18, cols: 60))
        #expect(rects[3] == Rect(row: 21, col: 60, rows: 18, cols: 60))
        let cells = rects.values.reduce(0) { $0 + $1.rows * $1.cols }
        let dividers = layout.dividers(in: area).reduce(0) { $0 + $1.0.rows * $1.0.cols }
        #expect(cells + dividers == area.rows * area.cols)
        #expect(layout.removing(2) == .split(.vertical, .pane(1), .pane(3)))
        #expect(PaneLayout.pane(1).removing(1) == nil)
    }

    @Test func workspaceTabsOpenSplitAndClose() {
        var w = Workspace()
        let a = w.allocatePaneID()
        w.openTab(pane: a, title: "web-0")
        #expect(w.tabs.count == 4 && w.activeTab == 3)
        let b = w.allocatePaneID()
        w.split(with: b, axis: .horizontal, title: "web-0")
        #expect(w.active.focusedPane == b && w.allPaneIDs == [a, b])
        let rects = w.paneRects(rows: 40, cols: 120)
        #expect(rects[a]!.row < rects[b]!.row)
        w.removePane(b)
        #expect(w.active.focusedPane == a)
        w.removePane(a)
        // Back to the Fleet view the shell was opened from, not to the Audit tab beside it.
        #expect(w.tabs.count == 3 && w.activeTab == 0)
    }

    @Test func aRefreshThatFailedEverywhereSaysItOnce() {
        #expect(RefreshFailures.message([]) == nil)
        #expect(RefreshFailures.message([("fleet", "cannot reach X"), ("sessions", "cannot reach X"), ("audit", "cannot reach X")])
                == "cannot reach X")
        #expect(RefreshFailures.message([("audit", "AccessDenied")]) == "audit: AccessDenied")
        #expect(RefreshFailures.message([("sessions", "AccessDenied"), ("audit", "timed out")])
                == "sessions: AccessDenied; audit: timed out")
    }

    @Test func closingTheShownTabReturnsToTheTabShownBeforeIt() {
        var w = Workspace()
        w.show(.sessions)
        let a = w.allocatePaneID()
        w.openTab(pane: a, title: "web-0")          // opened from Sessions
        w.show(.fleet)
        let b = w.allocatePaneID()
        w.openTab(pane: b, title: "web-1")          // opened from Fleet
        w.activeTab = 3                              // to web-0 …
        w.activeTab = 4                              // … and back to web-1
        w.removePane(b)
        #expect(w.active.title == "web-0")           // the tab shown last before web-1
        w.removePane(a)
        #expect(w.active.kind == .fleet)             // web-1 is gone; before web-0 came Fleet
        // Closing a tab that is not shown leaves the shown one alone, though positions shift.
        let c = w.allocatePaneID(), d = w.allocatePaneID()
        w.openTab(pane: c, title: "c")
        w.openTab(pane: d, title: "d")
        w.removePane(c)
        #expect(w.active.title == "d" && w.tabs.count == 4)
        w.removePane(d)
        #expect(w.active.kind == .fleet)             // c, shown before d, is gone; Fleet was before c
    }
}

@Suite struct ColorTests {
    @Test func coloursMapDownToTheTerminalCapability() {
        #expect(ColorMapper(colors: 256).map(.rgb(255, 135, 0)) == 208)
        #expect(ColorMapper(colors: 256).map(.rgb(128, 128, 128)) == 244)
        #expect(ColorMapper(colors: 256).map(.indexed(200)) == 200)
        #expect(ColorMapper(colors: 8).map(.indexed(196)) == 1)       // bright red → red
        #expect(ColorMapper(colors: 16).map(.rgb(250, 250, 250)) == 15)
        #expect(ColorMapper(colors: 8).map(.rgb(0, 0, 200)) == 4)
        #expect(ColorMapper(colors: 1 << 24).map(.rgb(1, 2, 3)) == 0x010203)
        #expect(ColorMapper(colors: 256).map(.default) == -1)
    }

    @Test func pairCacheIsBoundedAndReusesLeastRecentlyUsed() {
        var c = ColorPairCache(capacity: 2)
        let a = c.lookup(fg: 1, bg: -1), b = c.lookup(fg: 2, bg: -1), a2 = c.lookup(fg: 1, bg: -1)
        #expect(a == (1, true) && b == (2, true) && a2 == (1, false))
        let third = c.lookup(fg: 3, bg: -1)
        #expect(third == (2, true))           // (2,-1) was least recently used
        #expect(c.count == 2 && c.evictions == 1)
        let back = c.lookup(fg: 2, bg: -1)
        #expect(back.isNew)
    }
}
