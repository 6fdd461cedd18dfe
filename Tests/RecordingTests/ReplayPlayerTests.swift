import Recording
import Testing

@Suite struct ReplayPlayerTests {
    let session = RecordedSession(header: RecordingHeader(width: 80, height: 24), events: [
        RecordingEvent(time: 1, kind: .output(Array("a".utf8))),
        RecordingEvent(time: 2, kind: .output(Array("b".utf8))),
        RecordingEvent(time: 62, kind: .output(Array("c".utf8))),
        RecordingEvent(time: 63, kind: .resize(cols: 100, rows: 30)),
        RecordingEvent(time: 64, kind: .output(Array("d".utf8))),
    ])

    @Test func playsAtSpeedAndCapsIdleGaps() {
        var p = ReplayPlayer(session: session, speed: 2, idleLimit: 3)
        #expect(p.duration == 7)  // 1 + 1 + 3 (capped from 60) + 1 + 1
        #expect(p.advance(wallSeconds: 0.4) == [])
        #expect(p.advance(wallSeconds: 0.1) == [.write(Array("a".utf8))])
        #expect(p.wallSecondsUntilNextEvent == 0.5)
        #expect(p.advance(wallSeconds: 10) == [.write(Array("bc".utf8)), .resize(cols: 100, rows: 30), .write(Array("d".utf8))])
        #expect(p.finished)
    }

    @Test func pauseStepSeekAndSpeedKeys() {
        var p = ReplayPlayer(session: session, idleLimit: 2)
        _ = p.handle(.togglePause)
        #expect(p.advance(wallSeconds: 5) == [])
        #expect(p.handle(.step) == [.write(Array("a".utf8))])
        #expect(p.handle(.step) == [.write(Array("b".utf8))])
        #expect(p.handle(.seekForward) == [.write(Array("c".utf8)), .resize(cols: 100, rows: 30), .write(Array("d".utf8))])
        // played timeline: a 1, b 2, c 4 (gap capped at 2), resize 5, d 6; at 6 now, back 5 s → 1
        #expect(p.handle(.seekBackward) == [.reset, .write(Array("a".utf8))])
        _ = p.handle(.faster)
        _ = p.handle(.faster)
        #expect(p.speed == 4)
        for _ in 0..<10 { _ = p.handle(.slower) }
        #expect(p.speed == 0.5)
        #expect(p.handle(.quit) == [.quit])
    }

    @Test func noWaitPlaysEverythingAtOnce() {
        var p = ReplayPlayer(session: session)
        #expect(p.playAll() == [.write(Array("abc".utf8)), .resize(cols: 100, rows: 30), .write(Array("d".utf8))])
    }
}
