import Foundation
import Testing
@testable import ConsoleCore

@Suite struct InstanceDetailsTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let utc = TimeZone(identifier: "UTC")!

    @Test func platformColumnKeepsTheVersionThatATruncatedNameLost() {
        #expect(PlatformLabel.short("Debian GNU/Linux 12") == "Debian 12")
        #expect(PlatformLabel.short("Red Hat Enterprise Linux 9.3") == "RHEL 9.3")
        #expect(PlatformLabel.short("Red Hat Enterprise Linux Server 7.9") == "RHEL 7.9")
        #expect(PlatformLabel.short("Amazon Linux 2") == "AL2")
        #expect(PlatformLabel.short("Amazon Linux 2023.6.20241010") == "AL2023")
        #expect(PlatformLabel.short("Microsoft Windows Server 2022 Datacenter 10.0.20348") == "Windows 2022 10.0.20348")
        #expect(PlatformLabel.short("Ubuntu 22.04") == "Ubuntu 22.04")
        #expect(PlatformLabel.short("Linux") == "Linux")
        #expect(PlatformLabel.short("") == "")
        // The Fleet table's cell is the short form, and it fits the column.
        let row = InstanceRow(id: "mi-1", name: "a", pingStatus: .online, platform: "Debian GNU/Linux 12")
        #expect(FleetColumn.platform.text(row, now: now) == "Debian 12")
        #expect("Ubuntu 22.04".count <= FleetColumn.platform.width)
    }

    @Test func detailsShowWhatTheTableCannotAndWhoIsOnTheInstance() {
        let row = InstanceRow(id: "mi-0123456789abcdef0", name: "node-a", pingStatus: .connectionLost,
                              platform: "Debian GNU/Linux 12", agentVersion: "3.3.0.1", ip: "10.0.0.7",
                              lastSeen: now.addingTimeInterval(-420), cluster: "prod", nodegroup: "ng-1",
                              tags: ["team": "payments", "eks:cluster-name": "prod", "eks:nodegroup-name": "ng-1"],
                              platformType: "Linux", computerName: "ip-10-0-0-7.ec2.internal",
                              registered: Date(timeIntervalSince1970: 1_799_990_000), resourceType: "ManagedInstance")
        let sessions = [
            SessionRow(id: "bob-2", owner: "bob", target: "mi-0123456789abcdef0", status: .connected, started: now.addingTimeInterval(-60)),
            SessionRow(id: "alice-1", owner: "alice", target: "mi-0123456789abcdef0", status: .connected, started: now.addingTimeInterval(-3600)),
            SessionRow(id: "carol-3", owner: "carol", target: "mi-other", status: .connected, started: now),
        ]
        let lines = InstanceDetails.lines(for: row, activeSessions: sessions, now: now, timeZone: utc)
        #expect(lines.contains("Instance    mi-0123456789abcdef0  (ManagedInstance)"))
        #expect(lines.contains("Status      ConnectionLost, last heard 7m ago (2027-01-15 07:53:00)"))
        #expect(lines.contains("Computer    ip-10-0-0-7.ec2.internal"))
        #expect(lines.contains("Platform    Linux · Debian GNU/Linux 12"))
        #expect(lines.contains("Registered  2027-01-15 05:13:20"))
        #expect(lines.contains("EKS         cluster prod, nodegroup ng-1"))
        // Every tag, sorted, one a line; the sessions on this instance only, oldest first.
        let tags = lines.drop { !$0.hasPrefix("Tags") }.prefix(3).map { $0.dropFirst(12) }
        #expect(tags == ["eks:cluster-name=prod", "eks:nodegroup-name=ng-1", "team=payments"])
        let on = lines.drop { !$0.hasPrefix("Sessions") }.prefix(2)
        #expect(on.first == "Sessions    alice  alice-1  Connected, 1h")
        #expect(on.last == "            bob  bob-2  Connected, 1m")
        #expect(!lines.joined().contains("carol"))
    }

    @Test func detailsOfABareInstanceSayWhatIsMissing() {
        let row = InstanceRow(id: "mi-1", name: "", pingStatus: .online, platform: "")
        let lines = InstanceDetails.lines(for: row, activeSessions: [], now: now, timeZone: utc)
        #expect(lines.first == "Name        -")
        #expect(lines.contains("Status      Online"))
        #expect(lines.contains("Tags        -"))
        #expect(lines.contains("Sessions    none active"))
        #expect(!lines.contains { $0.hasPrefix("EKS") })
    }

    @Test func sessionDetailsOfAnEndedSessionSayWhyAndOfferNoTerminate() {
        let row = SessionRow(id: "alice-1", owner: "alice", target: "mi-1", status: .terminated,
                             started: now.addingTimeInterval(-125), ended: now.addingTimeInterval(-5), reason: "INC-1",
                             lastActivity: now.addingTimeInterval(-30), details: "Session alice-1 was terminated by bob.")
        let lines = SessionDetails.lines(for: row, targetName: "db-1", now: now, width: 60, timeZone: utc)
        #expect(lines.contains("Target        mi-1  (db-1)"))
        #expect(lines.contains("Ended         2027-01-15 07:59:55"))
        #expect(lines.contains("Duration      2m00s"))
        #expect(lines.contains("Why it ended  Session alice-1 was terminated by bob."))
        #expect(!lines.contains { $0.hasPrefix("Idle") })
        #expect(lines.last == "r replay · a audit events · j/k scroll · any other key closes")
        let live = SessionRow(id: "bob-2", owner: "bob", target: "mi-1", status: .connected,
                              started: now.addingTimeInterval(-60), lastActivity: now.addingTimeInterval(-20))
        let liveLines = SessionDetails.lines(for: live, targetName: nil, now: now, width: 60, timeZone: utc)
        #expect(liveLines.contains("Idle      20s since the last input or output"))
        #expect(liveLines.last?.hasPrefix("x terminate") == true)
    }

    @Test func aHugeValueWrapsInLinearTimeAndIsCappedWithAMark() {
        let value = String(repeating: "abcdefghi ", count: 100_000)  // 1 MB
        let lines = DetailLines.wrap(value, width: 80)  // (the first version was quadratic: minutes for this)
        #expect(lines.count == 200 && lines.last!.hasSuffix("…"))
        #expect(lines.dropLast().allSatisfy { $0.count <= 80 })
        #expect(DetailLines.wrap("short", width: 80) == ["short"])
        #expect(DetailLines.wrap("abc def", width: 4) == ["abc", "def"])
        #expect(DetailLines.wrap("abcdefgh", width: 4) == ["abcd", "efgh"])
        #expect(DetailLines.wrap(" abcdefg", width: 4) == ["abc", "defg"])
        #expect(DetailLines.wrap("abc", width: 0) == ["a", "b", "c"])
    }
}
