import AWSCore
import ConsoleCore
import Foundation
import Testing
@testable import GangwayClient

@Suite struct FleetTablesTests {
    @Test func instanceTableHasTheDocumentedColumnsAligned() {
        let now = Date(timeIntervalSince1970: 1_764_500_000)
        let eks = InstanceInformation(InstanceId: "mi-0aaaaaaaaaaaaaaaa", PingStatus: "Online", LastPingDateTime: now.addingTimeInterval(-20),
                                      AgentVersion: "3.3.0.0", PlatformType: "Linux", PlatformName: "Debian", IPAddress: "10.0.0.5",
                                      ComputerName: "node-a",
                                      Tags: [InstanceTag(Key: "eks:cluster-name", Value: "prod"), InstanceTag(Key: "eks:nodegroup-name", Value: "ng-1")])
        let lost = InstanceInformation(InstanceId: "mi-0bbbbbbbbbbbbbbbb", PingStatus: "ConnectionLost",
                                       LastPingDateTime: now.addingTimeInterval(-420), ComputerName: "db")
        let text = FleetTables.instances([InstanceRow(eks), InstanceRow(lost)], now: now).render()
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0] == "NAME    ID                    STATUS          PLATFORM  AGENT    IP        LAST SEEN  CLUSTER  NODEGROUP")
        #expect(lines[1] == "node-a  mi-0aaaaaaaaaaaaaaaa  Online          Debian    3.3.0.0  10.0.0.5  20 s ago   prod     ng-1")
        #expect(lines[2] == "db      mi-0bbbbbbbbbbbbbbbb  ConnectionLost  -         -        -         7 min ago  -        -")
    }

    @Test func sessionTableAndDurations() {
        let now = Date(timeIntervalSince1970: 1_764_500_000)
        let s = SSMSession(SessionId: "alice-0123456789abcdef0", Target: "mi-0aaaaaaaaaaaaaaaa", Status: "Connected",
                           StartDate: now.addingTimeInterval(-3725), Owner: "alice", Reason: "INC-42")
        let text = FleetTables.sessions([SessionRow(s)], now: now, history: false).render()
        #expect(text.contains("ID                       OWNER  TARGET                STATUS     STARTED               DURATION  REASON"))
        #expect(text.contains("1h02m"))
        #expect(text.contains("2025-11-30 09:51:15Z"))
        var ended = SSMSession(SessionId: "bob-0123456789abcdef0", Target: "mi-0aaaaaaaaaaaaaaaa", Status: "Terminated",
                               StartDate: now.addingTimeInterval(-60), Owner: "bob")
        ended.EndDate = now
        ended.Details = "Session bob-0123456789abcdef0 was terminated by alice."
        let history = FleetTables.sessions([SessionRow(ended)], now: now, history: true).render()
        #expect(history.split(separator: "\n").first?.hasSuffix("ENDED                 REASON  DETAILS") == true, "\(history)")
        #expect(history.contains("-       Session bob-0123456789abcdef0 was terminated by alice."), "\(history)")
        #expect(FleetTables.duration(from: now.addingTimeInterval(-45), to: now) == "45s")
        #expect(FleetTables.duration(from: now.addingTimeInterval(-750), to: now) == "12m30s")
    }

    @Test func jsonOutputIsStable() throws {
        let row = InstanceRow(id: "mi-1", name: "a", pingStatus: .online, lastSeen: Date(timeIntervalSince1970: 0))
        let json = try FleetTables.json([row])
        #expect(json.contains(#""id" : "mi-1""#))
        #expect(json.contains(#""lastSeen" : "1970-01-01T00:00:00Z""#))
        #expect(json.contains(#""pingStatus" : "Online""#))
    }

    @Test func longCellsAreCut() {
        let t = TextTable(headers: ["A", "B"], rows: [[String(repeating: "x", count: 60), "y"]], maxColumnWidth: 10).render()
        #expect(t.contains("xxxxxxxxx…  y"))
    }

    @Test func auditRowFromCloudTrailEvent() throws {
        let data = Data(#"{"EventId":"e1","EventName":"StartSession","EventTime":1764500000,"Username":"alice","Resources":[{"ResourceType":"AWS::SSM::ManagedInstance","ResourceName":"mi-1"}],"CloudTrailEvent":"{\"sourceIPAddress\":\"10.1.2.3\",\"errorCode\":\"AccessDenied\"}"}"#.utf8)
        let event = try AWSJSONClient.jsonDecoder().decode(CloudTrailClient.Event.self, from: data)
        let row = AuditRow(event)
        #expect(row == AuditRow(id: "e1", time: Date(timeIntervalSince1970: 1_764_500_000), principal: "alice", event: "StartSession",
                                target: "mi-1", sourceIP: "10.1.2.3", result: "AccessDenied", detail: AuditDetail()))
    }
}

@Suite("Text from the server printed safely")
struct TerminalSafeTextTests {
    @Test("control characters and bidi overrides become visible escapes; plain and wide text is untouched")
    func escapes() {
        #expect(TerminalSafeText.make("web-1 ✓ 日本") == "web-1 ✓ 日本")
        #expect(TerminalSafeText.make("a\u{1B}]0;x\u{07}b") == "a\\x1b]0;x\\x07b")
        #expect(TerminalSafeText.make("\u{9B}2J\u{7F}\t") == "\\x9b2J\\x7f\\x09")
        #expect(TerminalSafeText.make("\u{202E}txt.exe") == "\\u{202e}txt.exe")
    }

    @Test("a table cell with escapes is shown escaped and the columns still line up")
    func tableCells() {
        let table = TextTable(headers: ["NAME", "ID"], rows: [["evil\u{1B}[2J", "mi-1"], ["ok", "mi-2"]]).render()
        #expect(!table.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        let lines = table.split(separator: "\n")
        #expect(lines[1] == "evil\\x1b[2J  mi-1")
        #expect(lines[2] == "ok           mi-2")
    }
}
