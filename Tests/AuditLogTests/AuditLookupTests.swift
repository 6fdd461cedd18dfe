import AuditLog
import Foundation
import Testing

@Suite struct AuditLookupTests {
    func store(_ dir: TempDir) async throws -> AuditStore {
        let store = try dir.openStore()
        for i in 0..<30 {
            try await store.append(sampleEvent(i, user: i % 3 == 0 ? "bob" : "alice",
                                               name: i % 2 == 0 ? "StartSession" : "DescribeSessions"))
        }
        return store
    }

    func lookup(_ store: AuditStore, _ body: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: store.lookupEvents(request: Data(body.utf8))) as! [String: Any]
    }

    @Test func filtersByUsernameNewestFirstWithRecordAttached() async throws {
        let dir = TempDir()
        let s = try await store(dir)
        let r = try lookup(s, #"{"LookupAttributes":[{"AttributeKey":"Username","AttributeValue":"bob"}]}"#)
        let events = r["Events"] as! [[String: Any]]
        #expect(events.count == 10)
        #expect(events.allSatisfy { $0["Username"] as? String == "bob" })
        let times = events.map { $0["EventTime"] as! Int }
        #expect(times == times.sorted(by: >))
        let record = try JSONSerialization.jsonObject(with: Data((events[0]["CloudTrailEvent"] as! String).utf8)) as! [String: Any]
        #expect(record["eventID"] as? String == events[0]["EventId"] as? String)
        #expect((events[0]["Resources"] as! [[String: Any]]).contains { $0["ResourceName"] as? String == "mi-0123456789abcdef0" })
        #expect(r["NextToken"] == nil)
    }

    @Test func otherAttributesAndTimeRange() async throws {
        let dir = TempDir()
        let s = try await store(dir)
        #expect((try lookup(s, #"{"LookupAttributes":[{"AttributeKey":"ReadOnly","AttributeValue":"true"}]}"#)["Events"] as! [Any]).count == 15)
        #expect((try lookup(s, #"{"LookupAttributes":[{"AttributeKey":"ResourceName","AttributeValue":"bob-3"}]}"#)["Events"] as! [Any]).count == 1)
        #expect((try lookup(s, #"{"LookupAttributes":[{"AttributeKey":"EventSource","AttributeValue":"ssm.amazonaws.com"}]}"#)["Events"] as! [Any]).count == 30)
        #expect((try lookup(s, #"{"LookupAttributes":[{"AttributeKey":"AccessKeyId","AttributeValue":"AKGWBOB"}]}"#)["Events"] as! [Any]).count == 10)
        #expect((try lookup(s, #"{"StartTime":1800000010,"EndTime":1800000019}"#)["Events"] as! [Any]).count == 10)
    }

    @Test func pagesWithNextTokenWithoutRepeatsOrGaps() async throws {
        let dir = TempDir()
        let s = try await store(dir)
        try await s.append(sampleEvent(1000, user: "carol"))  // appended after the index was built, too
        var seen: [String] = []
        var token: String?
        repeat {
            let body = token.map { #"{"MaxResults":7,"NextToken":"\#($0)"}"# } ?? #"{"MaxResults":7}"#
            let r = try lookup(s, body)
            seen += (r["Events"] as! [[String: Any]]).map { $0["EventId"] as! String }
            token = r["NextToken"] as? String
        } while token != nil
        #expect(seen.count == 31)
        #expect(Set(seen).count == 31)
    }

    @Test func badRequestsGetAWSErrorShapes() async throws {
        let dir = TempDir()
        let s = try await store(dir)
        func code(_ body: String) -> String? {
            do { _ = try s.lookupEvents(request: Data(body.utf8)); return nil } catch let e as AuditLookupError {
                return e.code
            } catch { return "\(error)" }
        }
        #expect(code(#"{"LookupAttributes":[{"AttributeKey":"Colour","AttributeValue":"x"}]}"#) == "InvalidLookupAttributesException")
        #expect(code(#"{"LookupAttributes":[{"AttributeKey":"Username","AttributeValue":"a"},{"AttributeKey":"EventName","AttributeValue":"b"}]}"#) == "InvalidLookupAttributesException")
        #expect(code(#"{"StartTime":20,"EndTime":10}"#) == "InvalidTimeRangeException")
        #expect(code(#"{"MaxResults":51}"#) == "InvalidMaxResultsException")
        #expect(code(#"{"NextToken":"garbage!"}"#) == "InvalidNextTokenException")
        let token = try lookup(s, #"{"MaxResults":2}"#)["NextToken"] as! String
        #expect(code(#"{"MaxResults":2,"NextToken":"\#(token)","LookupAttributes":[{"AttributeKey":"Username","AttributeValue":"bob"}]}"#) == "InvalidNextTokenException")
    }
}
