import Foundation
import Recording
import Testing
@testable import ConsoleCore
@testable import ConsoleUI
import TerminalModel

/// What a replay pane's libvterm screen (and the pane drawn on a surface) shows at a given time of the recording.
@Suite struct ReplayPaneScreenTests {
    static func out(_ t: Double, _ s: String) -> RecordingEvent { RecordingEvent(time: t, kind: .output(Array(s.utf8))) }

    /// A prompt, a command and its output, a full-screen clear at 5 s, a password prompt with the input redacted.
    static let session = RecordedSession(header: RecordingHeader(width: 30, height: 6), events: [
        out(0, "$ "), out(1, "echo replay-$((6*7))\r\n"), out(1.2, "\u{1b}[1;32mreplay-42\u{1b}[m\r\n$ "),
        out(5, "\u{1b}[2J\u{1b}[Hclear screen\r\n$ "), out(6, "sudo -k true\r\nPassword: "),
        RecordingEvent(time: 7, kind: .redactedInput), out(7.5, "\r\nok\r\n$ "),
    ])

    func view(at seconds: Double) -> ReplayPaneView {
        let v = ReplayPaneView(id: 7, sessionId: "operator-1", rows: 20, cols: 100, idleLimit: nil)
        _ = v.loaded(Self.session, now: 0)
        _ = v.tick(now: seconds)
        return v
    }

    @Test func theScreenHasTheRecordedSizeAndShowsWhatWasOnItAtThatTime() {
        let early = view(at: 0.5)
        #expect(early.screen.rows == 6 && early.screen.cols == 30)
        #expect(early.screen.dumpText().hasPrefix("$\n"))
        #expect(!early.screen.dumpText().contains("replay-42"))

        let t2 = view(at: 2).screen.dumpText().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(t2.prefix(3) == ["$ echo replay-$((6*7))", "replay-42", "$"])
        #expect(view(at: 2).screen.cell(row: 1, col: 0).attributes.contains(.bold))

        let t5 = view(at: 5).screen.dumpText()
        #expect(t5.hasPrefix("clear screen\n$") && !t5.contains("replay-42"))

        let t8 = view(at: 8).screen.dumpText()
        #expect(t8.contains("Password:") && t8.contains("ok"))
        #expect(view(at: 7.2).model.statusLine.hasSuffix("[redacted input]"))
    }

    @Test func seekingBackRebuildsTheEarlierScreen() {
        let v = view(at: 6)
        #expect(v.screen.dumpText().hasPrefix("clear screen"))
        v.handle(.seekBackward, now: 6)       // 6 s → 1 s: the command typed, its output not yet
        let text = v.screen.dumpText()
        #expect(text.hasPrefix("$ echo replay-$((6*7))") && !text.contains("clear screen") && !text.contains("replay-42\n"))
        v.handle(.seekForward, now: 6)
        #expect(v.screen.dumpText().contains("Password:"))
        v.handle(.start, now: 6)
        #expect(v.screen.dumpText().hasPrefix("$\n\n"))
        #expect(v.model.position == 0)
    }

    @Test func seekingBackInABigRecordingIsFast() {
        // 20,000 events, about 4 MB of coloured output over 5,000 s.
        let line = "\u{1b}[38;5;208m" + String(repeating: "abcdefghij", count: 19) + "\u{1b}[m\r\n"
        let events = (0..<20_000).map { Self.out(Double($0) / 4, "\($0) " + line) }
        let big = RecordedSession(header: RecordingHeader(width: 200, height: 50), events: events)
        let v = ReplayPaneView(id: 1, sessionId: "big", rows: 50, cols: 200, idleLimit: nil)
        _ = v.loaded(big, now: 0)
        v.handle(.end, now: 0)
        var model = v.model           // the player alone (was quadratic in the merged output: 31 s for this one)
        var start = DispatchTime.now().uptimeNanoseconds
        let actions = model.handle(.seekBackward, now: 0)
        let playerMs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        #expect(actions.count == 2 && playerMs < 1_000, "player seek took \(playerMs) ms")
        start = DispatchTime.now().uptimeNanoseconds
        v.handle(.seekBackward, now: 0)
        let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        print("replay pane: seek back over \(big.output.count) bytes / \(events.count) events took \(String(format: "%.0f", ms)) ms "
              + "(player \(String(format: "%.0f", playerMs)) ms, the rest is libvterm re-rendering)")
        #expect(v.screen.dumpText().contains("19979 "))
        #expect(!v.screen.dumpText().contains("19980 "))
        #expect(ms < 3_000, "seek back took \(ms) ms")
    }

    @Test func thePaneDrawsTheScreenAndTheStatusLine() throws {
        let loop = ConsoleLoop(source: FakeFleetSource(instances: 1), theme: .builtinDefault, keys: .defaults, themes: ThemeLibrary())
        let v = view(at: 2)
        _ = v.handle(.faster, now: 2)
        _ = v.handle(.togglePause, now: 2)
        let surface = MemorySurface(rows: 12, cols: 60)
        loop.drawReplay(v, in: Rect(row: 2, col: 0, rows: 9, cols: 60), focused: true, full: true, surface)
        #expect(surface.line(2) == "$ echo replay-$((6*7))")
        #expect(surface.line(3) == "replay-42")
        #expect(surface.line(10).hasPrefix(" replay operator-1  00:02 / 00:07  2×  paused"))
    }

    struct DeniedSource: FleetSource, RecordingSource {
        var contextName: String { "denied" }
        func instances() async throws -> [InstanceRow] { [] }
        func sessions(history: Bool) async throws -> [SessionRow] { [] }
        func auditEvents(_ request: AuditRequest) async throws -> AuditPage { AuditPage(rows: [], older: nil) }
        func terminate(sessionId: String) async throws {}
        func openShell(target: String, cols: Int, rows: Int) async throws -> any ShellChannel { throw ReplayLoader.Failure("no") }
        func recordingText(sessionId: String) async throws -> String {
            throw ReplayLoader.Failure("AccessDenied: operator is not allowed gangway:GetSessionRecording on \(sessionId)")
        }
    }

    @Test func fetchFailuresBecomeTheMessageInThePane() async {
        if case .failure(let f) = await ReplayLoader.load(sessionId: "s-1", from: DeniedSource()) {
            #expect(f.description.hasPrefix("AccessDenied: operator is not allowed"))
        } else { Issue.record("loaded") }
        if case .failure(let f) = await ReplayLoader.load(sessionId: "s-1", from: FakeFleetSource(instances: 1)) {
            #expect(f.description.contains("cannot fetch recordings"))
        } else { Issue.record("loaded") }
        let v = ReplayPaneView(id: 2, sessionId: "s-1", rows: 8, cols: 70)
        #expect(v.model.statusLine.hasSuffix("loading…"))
        v.failed("no recording for session s-1: Session s-1 has no recording")
        #expect(v.screen.dumpText().contains("No replay for session s-1"))
        #expect(v.screen.dumpText().contains("has no recording"))
    }
}
