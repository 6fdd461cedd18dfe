import Foundation
import GangwayTesting
import Testing

/// Replay panes in `gangway demo`, driven through tmux: a shell session is recorded by the real gangwayd, then
/// replayed from the Sessions (history) and Audit views through GetSessionRecording.
/// Part of the serialized `DemoConsoleUITests` suite: two demos at once would break its temp-dir check and
/// load the machine (CI runs the tmux suites alone, matching `ConsoleUITests`).
extension DemoConsoleUITests {
    @Test func replayPaneFromSessionsHistoryAndFromTheAuditView() throws {
        try #require(FileManager.default.isExecutableFile(atPath: ConsoleUITests.binary), "build gangway first")
        let before = Self.demoDirectories()
        let h = TmuxHarness()
        let home = try Self.startDemo(h, home: "gw-replay", cols: 150)
        defer { h.stop(); try? FileManager.default.removeItem(atPath: home) }
        h.waitFor(text: "Online 8", timeout: 60)

        // A recorded session on web-1: one command, then exit.
        h.keys("/")
        h.type("web-1")
        h.waitFor(text: "/web-1")
        h.keys("Enter")
        h.keys("Enter")
        h.waitFor(text: "4 web-1", timeout: 20)
        h.waitFor("a shell prompt", timeout: 20) { $0.split(separator: "\n").contains { $0.hasSuffix("$") || $0.hasSuffix("#") } }
        h.type("echo replay-$((6*7))")
        h.keys("Enter")
        h.waitFor(text: "replay-42", timeout: 20)
        h.type("exit")
        h.keys("Enter")
        h.waitFor("the pane to close", timeout: 20) { !$0.contains("4 web-1") }

        // Sessions → history → r: the recording plays in a new tab.
        h.keys("2")
        h.keys("H")
        h.waitFor(text: "operator-", timeout: 20)
        h.keys("r")
        var s = h.waitFor(text: "replay operator-", timeout: 10)
        s = h.waitFor("the replayed output", timeout: 30) { $0.contains("replay-42") && $0.contains("replay operator-") }
        #expect(s.contains("▶ "))
        h.keys("G")
        s = h.waitFor(text: "ended", timeout: 10)
        print("replay pane (Sessions history → r, then G):\n\(s)")
        #expect(s.contains("echo replay-$((6*7))"))
        h.keys("Space")
        h.waitFor(text: "paused")

        // q closes the replay tab and nothing else.
        h.keys("q")
        s = h.waitFor("the replay tab to close", timeout: 10) { !$0.contains("replay operator-") && !$0.contains("▶ ") }
        #expect(s.contains("Online 8"))

        // Audit view: the StartSession event names the session; r replays it too.
        h.keys("3")
        h.keys("/")
        h.type("StartSession")
        h.keys("Enter")
        h.waitFor(text: "StartSession", timeout: 20)
        h.keys("r")
        s = h.waitFor("the replay from the audit view", timeout: 30) { $0.contains("replay-42") && $0.contains("replay operator-") }
        h.keys("q")
        h.waitFor("the second replay tab to close", timeout: 10) { !$0.contains("replay operator-") }

        h.keys("C-c")
        h.waitFor(text: "EXITED 0", timeout: 20)
        #expect(Self.demoDirectories() == before)
    }
}
