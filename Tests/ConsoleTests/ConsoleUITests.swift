import Foundation
import GangwayTesting
import Testing

/// The real `gangway console --fake-fleet` (real local PTY shells) driven through tmux like a user.
@Suite(.serialized) struct ConsoleUITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var binary: String {
        let dir = ProcessInfo.processInfo.environment["GANGWAY_BIN_DIR"] ?? root.appendingPathComponent(".build/debug").path
        return dir + "/gangway"
    }

    /// Starts the console in tmux with an empty HOME (no user keys/themes); returns the HOME to remove.
    @discardableResult
    func launch(_ h: TmuxHarness, cols: Int = 120, rows: Int = 40) throws -> String {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build gangway first: \(Self.binary) is missing")
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("gw-ui-\(getpid())-\(h.socket.suffix(6))").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        h.start("\(Self.binary) console --fake-fleet", cols: cols, rows: rows,
                env: ["HOME": home, "GANGWAY_THEMES": Self.root.appendingPathComponent("themes").path, "TERM": "tmux-256color"])
        return home
    }

    @Test func filterConnectEchoTabsThemeResizeTerminateQuit() throws {
        let h = TmuxHarness()
        let home = try launch(h)
        defer { h.stop(); try? FileManager.default.removeItem(atPath: home) }

        // Fleet shows rows and header counts.
        var s = h.waitFor(text: "web-10")
        #expect(s.contains("Online 11") && s.contains("Lost 1") && s.contains("12/12"))
        #expect(s.contains("node-prod-2") && s.contains("ConnectionLost"))

        // `/` filter narrows.
        h.keys("/")
        h.type("web")
        s = h.waitFor(text: "/web 2/12")
        #expect(!s.contains("db-1") && s.contains("web-0"))
        h.keys("Enter")                       // keep the filter, leave the prompt

        // Enter opens a pane with a real shell; `echo hi` shows `hi`.
        h.keys("Enter")
        h.waitFor(text: "web-0$")
        h.type("echo hi")
        h.keys("Enter")
        s = h.waitFor("a line 'hi'") { $0.split(separator: "\n").contains("hi") }
        #expect(s.contains(" 4 web-0"))

        // Second tab: leave with the prefix, pick web-10, connect.
        h.keys("C-g", "d")
        h.waitFor(text: "NAME↑")
        h.keys("j", "Enter")
        s = h.waitFor(text: "web-10$")
        #expect(s.contains(" 4 web-0 ") && s.contains(" 5 web-10"))
        #expect(s.contains("web-10 (i-0000000000abc000a)"))     // pane status line

        // Theme switch via the command line.
        h.keys("C-g", ":")
        h.type("theme light")
        h.keys("Enter")
        h.waitFor(text: "theme light")

        // Resize the console → relayout, and the remote PTY follows.
        h.resize(cols: 100, rows: 30)
        h.waitFor("relayout to 30 rows") { s in
            let lines = s.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.count >= 30 && lines[28].contains("web-10 (i-") && lines[29].contains("Ctrl-g then")
        }
        h.type("stty size")
        h.keys("Enter")
        h.waitFor(text: "26 100")                // 30 rows - header - tabs - bottom line - pane status

        // Terminate a session from the Sessions view (dangerous: asks first).
        h.keys("C-g", "d")
        h.keys("2")
        h.waitFor(text: "[active]")
        s = h.waitFor(text: "Sessions 2")
        h.keys("x")
        h.waitFor(text: "y = terminate")
        h.keys("y")
        h.waitFor(text: "Sessions 1")

        // Quit leaves the terminal and exits 0.
        h.keys("q")
        h.waitFor(text: "EXITED 0")
    }

    /// `gangway demo` (a real gangwayd and agents in one process): a flood in a pane whose drawing falls megabytes
    /// behind — the agent's send window, the client's and the console's buffers — still stops at once on Ctrl-C,
    /// because the pane skips the part of the flood that would scroll out of its screen and scrollback unseen
    /// (FloodSkip). Drawing all of it took 6 s here.
    @Test func ctrlCStopsAFloodPromptly() throws {
        let h = TmuxHarness()
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("gw-ui-demo-\(getpid())").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        h.start("\(Self.binary) demo", cols: 160, rows: 45,
                env: ["HOME": home, "GANGWAY_THEMES": Self.root.appendingPathComponent("themes").path, "TERM": "tmux-256color"])
        defer { h.stop(); try? FileManager.default.removeItem(atPath: home) }
        h.waitFor(text: "Online 8", timeout: 60)
        h.keys("Enter")                       // first row, sorted by name: db-1
        h.waitFor(text: "Sessions 1", timeout: 20)
        h.run("echo ready-$((6*7))", until: "ready-42")
        h.run("yes flood-flood-flood", until: "flood-flood-flood\nflood-flood-flood", timeout: 10)
        Thread.sleep(forTimeInterval: 4)      // megabytes fall behind the drawing
        let start = Date()
        h.keys("C-c")
        h.type("echo done-$((6*7))")
        h.keys("Enter")
        h.waitFor("the shell's answer after Ctrl-C", timeout: 30) { $0.split(separator: "\n").contains { $0.hasPrefix("done-42") } }
        let took = Date().timeIntervalSince(start)
        #expect(took < 3, "Ctrl-C took \(took) s to stop the flood")
        h.keys("C-g", ":")
        h.type("q")
        h.keys("Enter")
        h.waitFor(text: "EXITED 0", timeout: 20)
    }

    /// A remote program printing bytes that crashed libvterm 0.1.4 (a C1 CSI sent as UTF-8, then ESC [ K) must not
    /// take the console down.
    @Test func hostileOutputInAPaneDoesNotCrashTheConsole() throws {
        let h = TmuxHarness()
        let home = try launch(h)
        defer { h.stop(); try? FileManager.default.removeItem(atPath: home) }
        h.waitFor(text: "web-10")
        h.keys("Enter")
        h.waitFor(text: "api-4$")
        h.type("printf '\\302\\233\\033[K\\033[4h\\302\\033M\\2001'; echo; echo still-$((6*7))")
        h.keys("Enter")
        h.waitFor(text: "still-42")
        h.keys("C-g", "d")
        h.waitFor(text: "NAME↑")
        #expect(!h.screen().contains("EXITED"))
        h.keys("q")
        h.waitFor(text: "EXITED 0")
    }

    @Test func floodOfOutputKeepsKeysResponsive() throws {
        let h = TmuxHarness()
        let home = try launch(h)
        defer { h.stop(); try? FileManager.default.removeItem(atPath: home) }
        h.waitFor(text: "web-10")
        h.keys("Enter")                       // first row, sorted by name: api-4
        h.waitFor(text: "api-4$")
        h.type("yes 'flood flood flood'")
        h.keys("Enter")
        h.waitFor(text: "flood flood flood")
        // While `yes` floods the pane, the prefix key and view switch still work promptly.
        let start = Date()
        h.keys("C-g", "d")
        h.waitFor(text: "NAME↑", timeout: 5)
        h.keys("3")
        h.waitFor(text: "StartSession", timeout: 5)
        #expect(Date().timeIntervalSince(start) < 5)
        // Back to the pane, Ctrl-C stops the flood, the shell answers again.
        h.keys("Tab")
        h.keys("C-c")
        h.type("echo done-$((6*7))")
        h.keys("Enter")
        h.waitFor(text: "done-42", timeout: 10)
        // Closing the pane (dangerous: confirmed) terminates its session.
        h.waitFor(text: "Sessions 1")
        h.keys("C-g", "x")
        h.waitFor(text: "y = close")
        h.keys("y")
        let s = h.waitFor(text: "Sessions 0")
        #expect(!s.contains("4 api-4"))
        h.keys("C-g", ":")
        h.type("q")
        h.keys("Enter")
        h.waitFor(text: "EXITED 0")
    }
}
