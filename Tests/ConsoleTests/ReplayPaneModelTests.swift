import Recording
import Testing
@testable import ConsoleCore

/// The replay pane's state machine driven with a made-up clock: what a user watching the pane would notice.
@Suite struct ReplayPaneModelTests {
    static func out(_ t: Double, _ s: String) -> RecordingEvent { RecordingEvent(time: t, kind: .output(Array(s.utf8))) }

    /// "$ " at 0, a command at 0.5, then a 9.5 s pause (capped to 2 s), a resize and a password prompt.
    static let short = RecordedSession(header: RecordingHeader(width: 20, height: 5), events: [
        out(0, "$ "), out(0.5, "echo a\r\na\r\n$ "), out(10, "late\r\n"),
        RecordingEvent(time: 11, kind: .resize(cols: 30, rows: 6)),
        RecordingEvent(time: 11, kind: .redactedInput), out(12, "end"),
    ])

    /// One line per second for 90 s.
    static let long = RecordedSession(header: RecordingHeader(width: 40, height: 10),
                                      events: (0...90).map { out(Double($0), "line \($0)\r\n") })

    static func text(_ actions: [ReplayPaneModel.Action]) -> String {
        actions.map { if case .write(let b) = $0 { return String(decoding: b, as: UTF8.self) }; return "" }.joined()
    }

    static func loaded(_ s: RecordedSession, at now: Double = 100, idleLimit: Double? = 2) -> (ReplayPaneModel, [ReplayPaneModel.Action]) {
        var m = ReplayPaneModel(sessionId: "alice-0123", idleLimit: idleLimit)
        let a = m.loaded(s, now: now)
        return (m, a)
    }

    @Test func loadingThenTheFirstFrameAtTheRecordedSize() {
        var m = ReplayPaneModel(sessionId: "alice-0123")
        #expect(m.statusLine == "replay alice-0123  loading…")
        #expect(m.tick(now: 5).isEmpty)
        let a = m.loaded(Self.short, now: 100)
        #expect(a == [.reset(cols: 20, rows: 5), .write(Array("$ ".utf8))])
        #expect(m.statusLine == "replay alice-0123  00:00 / 00:04  1×  playing")
    }

    @Test func eventsArriveWithTheRecordedTimingAndLongPausesAreCappedAtTwoSeconds() {
        var (m, _) = Self.loaded(Self.short)
        #expect(m.tick(now: 100.4).isEmpty)
        #expect(Self.text(m.tick(now: 100.5)) == "echo a\r\na\r\n$ ")
        #expect(m.tick(now: 102.49).isEmpty)
        #expect(Self.text(m.tick(now: 102.5)) == "late\r\n")        // 9.5 s of idle played as 2 s
        #expect(m.tick(now: 103.5) == [.resize(cols: 30, rows: 6)])
        #expect(Self.text(m.tick(now: 104.5)) == "end")
        #expect(m.finished && m.statusLine.contains("ended"))
        #expect(m.duration == 4.5)
        let (uncapped, _) = Self.loaded(Self.short, idleLimit: nil)
        #expect(uncapped.duration == 12)
    }

    @Test func speedStepsBetweenHalfAndSixteenAndChangesThePace() {
        var (m, _) = Self.loaded(Self.short)
        var seen: [Double] = []
        for _ in 0..<7 { _ = m.handle(.faster, now: 100); seen.append(m.speed) }
        #expect(seen == [2, 4, 8, 16, 16, 16, 16])
        for _ in 0..<7 { _ = m.handle(.slower, now: 100) }
        #expect(m.speed == 0.5)
        #expect(m.statusLine.contains("0.5×"))
        _ = m.handle(.faster, now: 100)
        _ = m.handle(.faster, now: 100)         // 2×: the 0.5 s event is due after 0.25 s
        #expect(m.tick(now: 100.24).isEmpty)
        #expect(Self.text(m.tick(now: 100.25)) == "echo a\r\na\r\n$ ")
    }

    @Test func pauseFreezesTimeAndResumeContinuesWhereItStopped() {
        var (m, _) = Self.loaded(Self.short)
        _ = m.tick(now: 100.25)
        _ = m.handle(.togglePause, now: 100.25)
        #expect(m.statusLine == "replay alice-0123  00:00 / 00:04  1×  paused")
        #expect(m.tick(now: 160).isEmpty)
        #expect(m.position == 0.25)
        _ = m.handle(.togglePause, now: 160)
        #expect(m.tick(now: 160.2).isEmpty)
        #expect(Self.text(m.tick(now: 160.25)) == "echo a\r\na\r\n$ ")
    }

    @Test func stepPlaysExactlyOneEventAndPauses() {
        var (m, _) = Self.loaded(Self.short)
        #expect(Self.text(m.handle(.step, now: 100)) == "echo a\r\na\r\n$ ")
        #expect(m.paused)
        #expect(m.tick(now: 200).isEmpty)
        #expect(Self.text(m.handle(.step, now: 200)) == "late\r\n")
        #expect(m.handle(.step, now: 200) == [.resize(cols: 30, rows: 6)])
    }

    @Test func seekingBackReRendersFromTheStartAndForwardSkipsFiveSeconds() {
        var (m, _) = Self.loaded(Self.long, idleLimit: nil)
        _ = m.tick(now: 112)
        #expect(m.position == 12)
        let back = m.handle(.seekBackward, now: 112)
        #expect(back.first == .reset(cols: 40, rows: 10))
        #expect(Self.text(back) == (0...7).map { "line \($0)\r\n" }.joined())
        #expect(m.position == 7)
        #expect(Self.text(m.handle(.seekForward, now: 112)) == (8...12).map { "line \($0)\r\n" }.joined())
        _ = m.handle(.seekBackward, now: 112)
        _ = m.handle(.seekBackward, now: 112)
        #expect(m.position == 2)
        #expect(Self.text(m.handle(.seekBackward, now: 112)) == "line 0\r\n")   // clamps at the start
    }

    @Test func startAndEndJumpAndKeepPauseAndSpeed() {
        var (m, _) = Self.loaded(Self.long)
        _ = m.handle(.faster, now: 100)
        let end = m.handle(.end, now: 100)
        #expect(Self.text(end).hasSuffix("line 90\r\n"))
        #expect(m.finished && m.statusLine.hasSuffix("ended"))
        _ = m.handle(.togglePause, now: 100)
        let start = m.handle(.start, now: 100)
        #expect(start == [.reset(cols: 40, rows: 10), .write(Array("line 0\r\n".utf8))])
        #expect(m.position == 0 && m.paused && m.speed == 2)
        #expect(m.tick(now: 130).isEmpty)
    }

    @Test func statusLineShowsPositionLengthSpeedAndState() {
        var (m, _) = Self.loaded(Self.long)
        _ = m.handle(.seekForward, now: 100)
        _ = m.handle(.seekForward, now: 100)
        _ = m.tick(now: 102)
        _ = m.handle(.faster, now: 102)
        _ = m.handle(.togglePause, now: 102)
        #expect(m.statusLine == "replay alice-0123  00:12 / 01:30  2×  paused")
        #expect(ReplayPaneModel.clock(3725) == "1:02:05")
    }

    @Test func redactionMarkersShowAsStoredForAFewSeconds() {
        var (m, _) = Self.loaded(Self.short)
        _ = m.tick(now: 103.4)
        #expect(m.recentMarker == nil)
        _ = m.tick(now: 103.5)
        #expect(m.statusLine.hasSuffix("playing  [redacted input]"))
        _ = m.tick(now: 104.5)
        #expect(m.recentMarker == "[redacted input]")
        let (later, _) = Self.loaded(RecordedSession(header: Self.short.header, events: Self.short.events + [Self.out(30, "x")]))
        var l = later
        _ = l.tick(now: 107)
        #expect(l.recentMarker == nil)
    }

    @Test func qClosesAndFailuresExplainThemselves() {
        var m = ReplayPaneModel(sessionId: "bob-42")
        #expect(m.handle(.close, now: 1) == [.close])
        let a = m.failed("AccessDenied: bob may not gangway:GetSessionRecording")
        #expect(Self.text(a).contains("No replay for session bob-42"))
        #expect(Self.text(a).contains("AccessDenied"))
        #expect(m.statusLine == "replay bob-42  failed: AccessDenied: bob may not gangway:GetSessionRecording")
        #expect(m.handle(.togglePause, now: 2).isEmpty)
    }

    @Test func keysComeFromTheKeyTableAndRIsFreeInSessionsAndAudit() {
        let t = KeyTable.defaults
        #expect(t.action(for: .char("r"), in: .sessions) == .replaySession)
        #expect(t.action(for: .char("r"), in: .audit) == .replayAuditSession)
        for ctx in [KeyContext.global, .list] { #expect(t.action(for: .char("r"), in: ctx) == nil) }
        let expected: [(KeyChord, ReplayPaneKey)] = [(.char(" "), .togglePause), (.char("+"), .faster), (.char("-"), .slower),
                                                      (.char("."), .step), (.right, .seekForward), (.left, .seekBackward),
                                                      (.char("g"), .start), (.char("G"), .end), (.char("q"), .close)]
        for (k, key) in expected { #expect(t.action(for: k, in: .replay).flatMap(ReplayPaneKey.init) == key, "\(k.displayName)") }
        let help = HelpText.lines(for: t)
        #expect(help.contains { $0.hasPrefix("  r ") && $0.contains("replay the session's recording") })
        #expect(help.contains { $0.contains("Replay panes") })
    }

    @Test func recordingTextParsesOrSaysWhy() {
        let cast = "{\"version\": 2, \"width\": 30, \"height\": 4}\n[0.1, \"o\", \"hi\"]\n[0.2, \"m\", \"[redacted input]\"]\n"
        let ok = try? ReplayLoader.parse(cast, sessionId: "s-1").get()
        #expect(ok?.header.width == 30 && ok?.events.count == 2 && ok?.events[1].kind == .redactedInput)
        if case .failure(let f) = ReplayLoader.parse("not a recording", sessionId: "s-1") {
            #expect(f.description.contains("recording of session s-1 cannot be read"))
        } else { Issue.record("garbage accepted") }
        if case .failure(let f) = ReplayLoader.parse("", sessionId: "s-1") { #expect(f.description.contains("no recording")) }
    }
}
