import Foundation
import GangwayTesting
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The operations console (`gangway --endpoint-url …`, not the demo) against a real gangwayd and agent, in tmux.
extension ConnectTerminalTests {
    /// A session ended under an open pane (terminated from the Sessions view, then gangwayd stopping under a second
    /// one): the screen shows the console and its one-line notice, never the client library's log lines (which went
    /// to the terminal and scrolled the screen: header and tab bar gone until the next full redraw); those lines are
    /// in the console's log file. Each time the pane's tab closes, the console returns to the view the shell was
    /// opened from. With gangwayd gone the header marks the fleet's figures stale.
    @Test func consoleKeepsLogLinesOffTheScreenAndReturnsToTheViewAPaneCameFrom() async throws {
        try await withCluster { cluster in
            _ = try await cluster.startAgent("live-1")
            let h = TmuxHarness()
            defer { h.stop() }
            let home = try Self.startConsole(h, cluster)
            h.waitFor(text: "Online 1", timeout: 30)

            /// Enter on the selected Fleet row (live-1), then a command in the pane it opens.
            func openShellAndRun(_ word: String) {
                h.keys("Enter")
                h.waitFor(text: "4 live-1", timeout: 20)
                h.type("echo \(word)-$((6*7))")
                h.keys("Enter")
                h.waitFor(text: "\(word)-42", timeout: 20)
            }

            // Open a shell from the Fleet view, use it, leave it, terminate it from the Sessions view.
            openShellAndRun("pane")
            h.keys("C-g")
            h.keys("d")
            h.keys("2")
            h.waitFor(text: "Connected", timeout: 20)
            h.keys("x")
            h.waitFor(text: "y = terminate", timeout: 10)
            h.keys("y")
            var s = h.waitFor("the pane's tab to close", timeout: 20) { !$0.contains("4 live-1") }
            print("after terminating from the Sessions view:\n\(s)")
            Self.expectConsoleIntact(s)
            #expect(s.contains("No active sessions"), "back on the Sessions view the shell was terminated from:\n\(s)")

            // A second shell, opened from the Fleet view; gangwayd stops under it.
            h.keys("1")
            h.waitFor(text: "LAST SEEN", timeout: 10)
            openShellAndRun("again")
            await cluster.server?.stop()
            s = h.waitFor("the pane's tab to close", timeout: 30) { !$0.contains("4 live-1") }
            print("after gangwayd stopped under the pane:\n\(s)")
            Self.expectConsoleIntact(s)
            #expect(s.contains("LAST SEEN"), "back on the Fleet view the shell was opened from:\n\(s)")
            // The rows stay, but the header says they are stale, and the message line says why once.
            s = h.waitFor("the header to mark the fleet stale", timeout: 30) {
                $0.contains("unreachable since") && $0.contains("cannot reach")
            }
            Self.expectConsoleIntact(s)
            #expect(s.contains("live-1"), "the last rows stay:\n\(s)")
            #expect(!s.contains("audit: cannot reach"), "one message for the three views' one cause:\n\(s)")

            h.keys("q")
            h.waitFor(text: "EXITED 0", timeout: 20)
            let log = (try? String(contentsOfFile: home + "/.local/state/gangway/console.log", encoding: .utf8)) ?? ""
            // Why each shell ended, for whoever triages later (the message line shows it for a few seconds).
            let ends = log.split(separator: "\n").filter { $0.contains("gangway.console: shell on live-1") && $0.contains("ended: ") }
            #expect(ends.count == 2, "console.log:\n\(log)")
        }
    }

    /// Starts the console on `cluster` (one agent), switches to the Audit view and waits for `text` there.
    @discardableResult
    static func openAuditView(_ h: TmuxHarness, _ cluster: Cluster, showing text: String) throws -> String {
        _ = try startConsole(h, cluster)
        h.waitFor(text: "Online 1", timeout: 30)
        h.keys("3")
        return h.waitFor(text: text, timeout: 15)
    }

    /// Waits for a details box showing `text` to be drawn whole (down to its last line, "… any other key closes"):
    /// a screen captured between the box's first rows and the rest failed a CI run's assertions on its lower lines.
    @discardableResult
    static func waitForBox(_ h: TmuxHarness, _ text: String, timeout: Double = 10) -> String {
        h.waitFor("a box with '\(text)', drawn whole", timeout: timeout) {
            $0.contains(text) && $0.contains("any other key closes")
        }
    }

    /// Sets the current view's filter (`/`, the text, Enter).
    static func filter(_ h: TmuxHarness, _ text: String) {
        h.keys("/")
        h.type(text)
        h.keys("Enter")
    }

    /// `gangway --endpoint-url` (the console) on the cluster's gangwayd in tmux, 120×30, with a HOME of its own
    /// (returned: the console's log file is under it). The pane prints `EXITED <status>` when the console quits.
    static func startConsole(_ h: TmuxHarness, _ cluster: Cluster) throws -> String {
        let home = cluster.root + "/console-home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        h.start("\(Executables.path("gangway")) --endpoint-url \(cluster.baseURL); echo EXITED $?", cols: 120, rows: 30,
                env: ["AWS_ACCESS_KEY_ID": cluster.credentials.accessKeyId,
                      "AWS_SECRET_ACCESS_KEY": cluster.credentials.secretAccessKey,
                      "AWS_REGION": "us-east-1", "HOME": home, "TERM": "tmux-256color", "GANGWAY_THEMES": themes])
        return home
    }

    static let themes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("themes").path

    /// Header on the first row, tab bar on the second, no log line anywhere.
    static func expectConsoleIntact(_ screen: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let rows = screen.components(separatedBy: "\n")
        #expect(rows.first?.contains("gangway ▸") == true, "header row:\n\(screen)", sourceLocation: sourceLocation)
        #expect(rows.count > 1 && rows[1].contains("1 Fleet") && rows[1].contains("3 Audit"),
                "tab bar row:\n\(screen)", sourceLocation: sourceLocation)
        for marker in [" info ", "gangway.fleet", "[ChannelIO]", "resume it with ResumeSession"] {
            #expect(!screen.contains(marker), "log text \"\(marker)\" on the screen:\n\(screen)", sourceLocation: sourceLocation)
        }
    }
}

extension ConnectTerminalTests {
    /// A decommissioned host leaves the fleet from the console: Fleet view, select it, D, y (DeregisterManagedInstance
    /// on a real gangwayd). Before, a dead host stayed ConnectionLost in the list and "Lost N" for ever.
    @Test func consoleDeregistersADecommissionedHost() async throws {
        try await withCluster { cluster in
            _ = try await cluster.startAgent("keep-1")
            let gone = try await cluster.startAgent("gone-1")
            cluster.agents["gone-1"]?.signal(SIGKILL)
            let lost = try await eventually(timeout: .seconds(Cluster.connectionLostAfter + 5)) {
                try await cluster.pingStatus(gone) == "ConnectionLost"
            }
            try #require(lost)
            let h = TmuxHarness()
            defer { h.stop() }
            _ = try Self.startConsole(h, cluster)
            h.waitFor(text: "Lost 1", timeout: 30)
            h.keys("/")
            h.type("gone")
            h.keys("Enter")
            h.waitFor("only gone-1 listed", timeout: 10) { $0.contains("gone-1") && !$0.contains("keep-1") }
            h.keys("D")
            var s = h.waitFor(text: "y = deregister", timeout: 10)
            #expect(s.contains("Deregister gone-1 (\(gone)), ConnectionLost?"), "\(s)")
            h.keys("y")
            s = h.waitFor("gone-1 to leave the fleet", timeout: 20) { $0.contains("deregistered gone-1") }
            print("after D, y on a lost host:\n\(s)")
            #expect(s.contains("No instance matches the filter"), "\(s)")
            #expect(s.contains("Lost 0") && s.contains("Online 1"), "\(s)")
            let listed = try await cluster.call("DescribeInstanceInformation", [:])["InstanceInformationList"] as? [[String: Any]] ?? []
            #expect(listed.compactMap { $0["InstanceId"] as? String } == [try #require(try await Self.onlineId(cluster))])
            Self.quit(h)
        }
    }

    /// q on a list view: the console exits 0.
    static func quit(_ h: TmuxHarness, sourceLocation: SourceLocation = #_sourceLocation) {
        h.keys("q")
        h.waitFor(text: "EXITED 0", timeout: 20, sourceLocation: sourceLocation)
    }

    static func onlineId(_ cluster: Cluster) async throws -> String? {
        let r = try await cluster.call("DescribeInstanceInformation", [:])
        return (r["InstanceInformationList"] as? [[String: Any]] ?? []).first { $0["PingStatus"] as? String == "Online" }?["InstanceId"] as? String
    }
}

extension ConnectTerminalTests {
    /// A session's Reason is the caller's text. With a line feed in it the Sessions view drew the rest of the
    /// Reason on the next screen row, at column 0: a user could put a made-up session row into the operator's view
    /// (and a bidi override reordered the text). Every control character now shows as one visible character.
    @Test func aReasonWithControlCharactersCannotDrawRowsIntoTheSessionsView() async throws {
        try await withCluster { cluster in
            let target = try await cluster.startAgent("live-1")
            let forged = "op-forged0000000000  root             \(target) Connected"
            let started = try await cluster.call("StartSession", ["Target": target,
                                                                   "Reason": "a\u{1b}[31m\u{202e}\n\(forged)"])
            let sessionId = try #require(started["SessionId"] as? String)
            let h = TmuxHarness()
            defer { h.stop() }
            _ = try Self.startConsole(h, cluster)
            h.resize(cols: 240, rows: 30)
            h.waitFor(text: "Online 1", timeout: 30)
            h.keys("2")
            let s = h.waitFor(text: sessionId, timeout: 10)
            print("Sessions view with a hostile Reason:\n\(s)")
            let rows = s.components(separatedBy: "\n")
            #expect(!rows.contains { $0.hasPrefix("op-forged") }, "a Reason drew a row of its own:\n\(s)")
            let row = try #require(rows.first { $0.hasPrefix(sessionId) })
            #expect(row.contains("a␛[31m\u{FFFD}␊op-forged0000000000"), "\(row)")
            #expect(!s.contains("\u{202e}"))
            Self.expectConsoleIntact(s)
            Self.quit(h)
        }
    }

    /// On-call: "why was bob refused?" The Audit view's row says AccessDeniedException; Enter on it shows the whole
    /// record: the policy decision (errorMessage), what bob asked for (requestParameters), his key, his client and
    /// the record's place in the tamper-evident log. Before, the message was only in `--output json`.
    @Test func auditEventDetailsSayWhyACallWasDenied() async throws {
        try await withCluster { cluster in
            let target = try await cluster.startAgent("live-1")
            let bob = try cluster.createUser("bob")
            await #expect(throws: (any Error).self) {
                _ = try await cluster.call("StartSession", ["Target": target, "Reason": "hotfix INC-7"], as: bob)
            }
            let h = TmuxHarness()
            defer { h.stop() }
            try Self.openAuditView(h, cluster, showing: "AccessDenied")
            // The filter is fuzzy: "bob" also matched an agent's event (b…o…b across its id and name).
            Self.filter(h, "AccessDenied")
            h.waitFor("only bob's denied call", timeout: 10) {
                $0.contains("bob ") && !$0.contains("UpdateInstance") && !$0.contains("RegisterAgent")
            }
            h.keys("Enter")
            let s = Self.waitForBox(h, "StartSession event")
            print("audit event details:\n\(s)")
            #expect(s.contains("Result      AccessDeniedException"), "\(s)")
            #expect(s.contains("Message     User: bob is not authorized to perform: ssm:StartSession"), "\(s)")
            #expect(s.contains("default deny"), "\(s)")
            #expect(s.contains("Request     Reason=hotfix INC-7"), "\(s)")
            #expect(s.contains("Access key  \(bob.accessKeyId)"), "\(s)")
            #expect(s.contains("Log record  #"), "\(s)")
            h.keys("q")  // closes the box, not the console
            h.waitFor("the box to close", timeout: 10) { !$0.contains("StartSession event") }
            Self.quit(h)
        }
    }

    /// The Audit view shows the newest 100 changes and says older ones exist; End (past the last row) fetches the
    /// pages below from gangwayd, down to the agent's registration. Before, the view held the newest 500 and
    /// nothing older could be reached from the console (and each refresh cost ten LookupEvents calls).
    @Test func theAuditViewReachesOlderEventsPageByPage() async throws {
        try await withCluster { cluster in
            _ = try await cluster.startAgent("live-1")
            for i in 0..<130 {  // changes, each audited (the sessions do not exist: refused, and recorded so)
                _ = try? await cluster.call("TerminateSession", ["SessionId": String(format: "nobody-%017x", i)])
            }
            let h = TmuxHarness()
            defer { h.stop() }
            var s = try Self.openAuditView(h, cluster, showing: "100 events · ↓ past the last one loads older events")
            #expect(!s.contains("RegisterAgent"), "\(s)")
            // End selects the last row shown and fetches the page below it (the ~35 left: everything now).
            h.keys("End")
            h.waitFor("the older page", timeout: 15) { !$0.contains("older events") }
            // End again goes to the new last row: the agent's registration, the oldest change; nothing further.
            h.keys("End")
            s = h.waitFor("the oldest event on the last row", timeout: 10) { screen in
                let rows = screen.split(separator: "\n").filter { $0.contains("127.0.0.1") }  // event rows (SOURCE IP)
                return rows.last?.contains("RegisterAgent") == true
            }
            print("audit view at its oldest events:\n\(s)")
            #expect(!s.contains("older events"), "\(s)")
            Self.quit(h)

            // A filter (an audit trail, a search) whose matches do not fill the view fetches older pages by itself:
            // the agent's registration, below the newest 100, is found without End.
            let h2 = TmuxHarness()
            defer { h2.stop() }
            try Self.openAuditView(h2, cluster, showing: "100 events · ↓ past the last one loads older events")
            Self.filter(h2, "RegisterAgent")
            s = h2.waitFor("the filter to reach the registration", timeout: 15) {
                $0.split(separator: "\n").contains { $0.contains("RegisterAgent") && $0.contains("success") }
            }
            #expect(!s.contains("TerminateSession"), "\(s)")
            Self.quit(h2)
        }
    }

    /// A console over a large fleet on AWS can hit the API's rate limit. It then says so and waits longer between
    /// refreshes (10 s, 20 s… up to 60 s) instead of failing every 5 s and spending the account's rate; Ctrl-r still
    /// refreshes at once. (AWS's throttling is played by a loopback server: gangwayd does not throttle.)
    @Test func aThrottlingAPISlowsTheRefreshAndSaysSo() throws {
        let throttling = Mutex(true)
        let calls = Mutex(0)
        let server = try LoopbackHTTPServer { req in
            calls.withLock { $0 += 1 }
            if throttling.withLock({ $0 }) {
                return .json(#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#, status: 400)
            }
            switch req.header("X-Amz-Target") ?? "" {
            case "AmazonSSM.DescribeInstanceInformation":
                return .json(#"{"InstanceInformationList":[{"InstanceId":"mi-0123456789abcdef0","ComputerName":"web-1","PingStatus":"Online"}]}"#)
            default:
                return .json(#"{"Sessions":[]}"#)
            }
        }
        defer { server.stop() }
        let home = NSTemporaryDirectory() + "gangway-throttle-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let h = TmuxHarness()
        defer { h.stop() }
        h.start("\(Executables.path("gangway")) --endpoint-url \(server.url); echo EXITED $?", cols: 120, rows: 30,
                env: ["AWS_ACCESS_KEY_ID": "AKIDTHROTTLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "us-east-1",
                      "HOME": home, "TERM": "tmux-256color", "GANGWAY_THEMES": Self.themes])
        let s = h.waitFor(text: "the API is throttling the console's refresh: next one in 10 s", timeout: 20)
        print("throttled console:\n\(s)")
        #expect(s.contains("⚠ throttled since"), "the header says why the figures are stale:\n\(s)")
        // The next refresh waits 10 s, not 5: nothing is asked for 7 s.
        let before = calls.withLock { $0 }
        Thread.sleep(forTimeInterval: 7)
        #expect(calls.withLock { $0 } == before, "the console called the API during its slowed pause")
        throttling.withLock { $0 = false }
        h.keys("C-r")
        h.waitFor(text: "Online 1", timeout: 15)
        h.keys("q")
        h.waitFor(text: "EXITED 0", timeout: 20)
    }

    /// A session's Reason is cut to its column; Enter on a Sessions row shows all of it, and from the box an
    /// operator terminates the session (x, y) and then reads in the history why it ended.
    @Test func sessionDetailsShowTheWholeReasonAndTerminateFromTheBox() async throws {
        try await withCluster { cluster in
            let target = try await cluster.startAgent("live-1")
            let reason = "INC-4711: disk full on /var, rotating the nginx logs by hand until logrotate is fixed (runbook 12)"
            let started = try await cluster.call("StartSession", ["Target": target, "Reason": reason])
            let sessionId = try #require(started["SessionId"] as? String)
            let h = TmuxHarness()
            defer { h.stop() }
            _ = try Self.startConsole(h, cluster)
            h.waitFor(text: "Online 1", timeout: 30)
            h.keys("2")
            h.waitFor(text: sessionId, timeout: 10)
            h.keys("Enter")
            var s = Self.waitForBox(h, "Session \(sessionId)")
            print("session details:\n\(s)")
            #expect(s.contains("Target    \(target)  (live-1)"), "\(s)")
            // The whole Reason, wrapped in the box (the table showed its first 40 characters).
            let shown = s.components(separatedBy: "\n").filter { $0.contains("│ Reason") || $0.contains("│          ") }
                .map { $0.split(separator: "│", omittingEmptySubsequences: false).dropFirst().first.map(String.init) ?? "" }
                .map { $0.dropFirst(" Reason    ".count).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            #expect(shown.joined(separator: " ") == reason, "\(shown)")
            h.keys("x")
            s = h.waitFor(text: "y = terminate", timeout: 10)
            #expect(s.contains("Terminate session \(sessionId)"))
            h.keys("y")
            h.waitFor(text: "terminated \(sessionId)", timeout: 20)
            h.keys("H")
            h.waitFor(text: "[history]", timeout: 10)
            // Its row in the history (the id alone is also in the message line "terminated …": Enter pressed before
            // the history came selected nothing, a CI run's flake).
            h.waitFor("the ended session's row", timeout: 10) { screen in
                screen.split(separator: "\n").contains { $0.contains(sessionId) && $0.contains("Terminated") }
            }
            h.keys("Enter")
            s = Self.waitForBox(h, "Why it ended")
            #expect(s.contains("Status    Terminated") || s.contains("Terminated"), "\(s)")
            #expect(s.contains("was terminated by e2e"), "\(s)")
            // a: the session's audit trail, the Audit view filtered to its id.
            h.keys("a")
            s = h.waitFor("the session's audit events", timeout: 15) {
                // (the flag shows the filter's start: the columns come first)
                $0.contains("/\(sessionId.prefix(10))") && $0.contains("StartSession") && $0.contains("TerminateSession")
            }
            #expect(!s.contains("UpdateInstanceInform") && !s.contains("Why it ended"), "\(s)")
            Self.quit(h)
        }
    }
}
