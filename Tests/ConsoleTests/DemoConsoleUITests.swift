import Foundation
import GangwayTesting
import Testing

/// `gangway demo` as a user runs it: a real in-process gangwayd with eight real agents, driven through tmux.
/// (Runs with the other tmux suites, alone: the name matches CI's `ConsoleUITests` filter.)
@Suite(.serialized) struct DemoConsoleUITests {
    static func demoDirectories() -> Set<String> {
        Set(((try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []).filter { $0.hasPrefix("gangway-demo-") })
    }

    /// `gangway demo` in tmux with a HOME of its own (returned; the caller removes it), `cols`×36.
    static func startDemo(_ h: TmuxHarness, home name: String, cols: Int) throws -> String {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(getpid())").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        h.start("\(ConsoleUITests.binary) demo", cols: cols, rows: 36,
                env: ["HOME": home, "GANGWAY_THEMES": ConsoleUITests.root.appendingPathComponent("themes").path,
                      "TERM": "tmux-256color"])
        return home
    }

    @Test func demoOpensAShellThroughTheRealControlPlaneAndCtrlCLeavesNothingBehind() throws {
        try #require(FileManager.default.isExecutableFile(atPath: ConsoleUITests.binary), "build gangway first")
        let before = Self.demoDirectories()
        let h = TmuxHarness()
        let home = try Self.startDemo(h, home: "gw-demo", cols: 150)
        defer { h.stop(); try? FileManager.default.removeItem(atPath: home) }

        // The fleet: eight agents online, EKS nodes with their cluster and nodegroup.
        var s = h.waitFor(text: "Online 8", timeout: 60)
        #expect(s.contains("web-1") && s.contains("prod-eks") && s.contains("ng-general") && s.contains("staging-eks"))
        #expect(Self.demoDirectories().count == before.count + 1)

        // A shell on web-1 through gangwayd and the agent's real PTY.
        h.keys("/")
        h.type("web-1")
        h.waitFor(text: "/web-1")
        h.keys("Enter")
        h.keys("Enter")
        s = h.waitFor(text: "4 web-1", timeout: 20)
        h.type("echo demo-$((6*7))")
        h.keys("Enter")
        s = h.waitFor(text: "demo-42", timeout: 20)
        #expect(s.contains("Sessions 1") || h.waitFor(text: "Sessions 1").contains("Sessions 1"))

        // The session is in the Audit view (through CloudTrail LookupEvents on gangwayd).
        h.keys("C-g", "d")
        h.waitFor(text: "NAME↑")
        h.keys("3")
        h.waitFor(text: "StartSession", timeout: 10)

        // Ctrl-C outside a pane quits: the process exits 0 and its temporary directory is gone.
        h.keys("C-c")
        h.waitFor(text: "EXITED 0", timeout: 20)
        #expect(Self.demoDirectories() == before)
    }

    @Test func instanceDetailsShowTheFullPlatformTagsAndWhoIsOnTheNodeAndConnect() throws {
        try #require(FileManager.default.isExecutableFile(atPath: ConsoleUITests.binary), "build gangway first")
        let h = TmuxHarness()
        let home = try Self.startDemo(h, home: "gw-demo-details", cols: 130)
        defer { h.stop(); try? FileManager.default.removeItem(atPath: home) }
        var s = h.waitFor(text: "Online 8", timeout: 60)
        // The table's PLATFORM cell keeps the version (it read "Debian GN" before).
        #expect(s.contains("Debian 12") && !s.contains("Debian GN "))

        h.keys("/")
        h.type("ip-10-0-1-42")
        h.waitFor(text: "/ip-10-0-1-42")
        h.keys("Enter")
        h.keys("i")
        s = h.waitFor(text: "Instance ip-10-0-1-42")
        #expect(s.contains("Linux · Debian GNU/Linux 12"))
        #expect(s.contains("cluster prod-eks, nodegroup ng-general"))
        #expect(s.contains("eks:nodegroup-name=ng-general"))
        #expect(s.contains("none active"))

        // Enter in the box connects; afterwards the box names the session on the node.
        h.keys("Enter")
        h.waitFor(text: "4 ip-10-0-1-42", timeout: 20)
        h.type("echo details-$((6*7))")
        h.keys("Enter")
        h.waitFor(text: "details-42", timeout: 20)
        h.keys("C-g", "d")
        h.waitFor(text: "NAME↑")
        h.keys("i")
        s = h.waitFor(text: "Connected, ", timeout: 10)
        #expect(s.contains("operator  operator-"))
        // Any other key closes it; the table is back.
        h.keys("Escape")
        s = h.waitFor("the details box to close") { !$0.contains("Connected, ") }
        #expect(s.contains("ip-10-0-1-42         mi-"))
        h.keys("C-c")
        h.waitFor(text: "EXITED 0", timeout: 20)
    }
}
