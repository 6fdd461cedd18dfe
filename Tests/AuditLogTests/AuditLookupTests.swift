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

/// After a restart the lookup index is rebuilt from the files by a scan that reads only the members it needs; it must
/// answer exactly as the index built from the events as they were appended, whatever the events' contents hold.
@Suite struct AuditIndexScanTests {
    /// Events whose request parameters imitate top-level members, with escapes and brackets inside strings.
    func trickyEvents() -> [AuditEvent] {
        let decoy: AuditJSON = .object([
            ("eventName", .string("Fake")), ("userIdentity", .object([("userName", .string("mallory"))])),
            ("resources", .array([.object([("type", .string("x")), ("name", .string("y"))])])),
            ("readOnly", .bool(true)), ("s", .string("quote \" brace } bracket ] comma , backslash \\ nl \n")),
        ])
        var events: [AuditEvent] = []
        for i in 0..<12 {
            let user = ["alice", "bøb \"the\" admin", "carol\\x"][i % 3]
            events.append(AuditEvent(
                eventTime: Date(timeIntervalSince1970: 1_800_000_000 + Double(i * 60)),
                eventSource: i % 4 == 0 ? "sts.amazonaws.com" : "ssm.amazonaws.com",
                eventName: ["StartSession", "DescribeSessions", "TerminateSession"][i % 3],
                userIdentity: i == 5 ? .init(type: "IAMUser", principalId: "pid-only")
                    : .init(type: "IAMUser", principalId: user, accessKeyId: "AKGW\(i % 2)", userName: user),
                requestParameters: decoy, responseElements: i % 2 == 0 ? decoy : nil,
                eventID: i == 9 ? "Not-A-UUID-\"9\"" : UUID().uuidString.lowercased(),
                readOnly: i == 6 ? true : nil,
                resources: i == 3 ? [] : [.init(type: AuditEvent.instanceResourceType, name: "mi-\(i % 2)"),
                                          .init(type: AuditEvent.sessionResourceType, name: "s-\(i)")]))
        }
        return events
    }

    @Test func aRebuiltIndexAnswersLikeTheAppendedOne() async throws {
        let dir = TempDir()
        let live = try dir.openStore()
        let events = trickyEvents()
        for e in events { try await live.append(e) }
        try await live.checkpoint()
        let queries = [
            #"{"LookupAttributes":[{"AttributeKey":"EventId","AttributeValue":"\#(events[4].eventID)"}]}"#,
            #"{"LookupAttributes":[{"AttributeKey":"EventId","AttributeValue":"Not-A-UUID-\"9\""}]}"#,
            #"{}"#,
            #"{"LookupAttributes":[{"AttributeKey":"Username","AttributeValue":"bøb \"the\" admin"}]}"#,
            #"{"LookupAttributes":[{"AttributeKey":"Username","AttributeValue":"mallory"}]}"#,
            #"{"LookupAttributes":[{"AttributeKey":"Username","AttributeValue":"pid-only"}]}"#,
            #"{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"Fake"}]}"#,
            #"{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"TerminateSession"}]}"#,
            #"{"LookupAttributes":[{"AttributeKey":"ReadOnly","AttributeValue":"true"}]}"#,
            #"{"LookupAttributes":[{"AttributeKey":"ResourceName","AttributeValue":"y"}]}"#,
            #"{"LookupAttributes":[{"AttributeKey":"ResourceName","AttributeValue":"mi-1"}]}"#,
            #"{"LookupAttributes":[{"AttributeKey":"AccessKeyId","AttributeValue":"AKGW1"}]}"#,
            #"{"LookupAttributes":[{"AttributeKey":"EventSource","AttributeValue":"sts.amazonaws.com"}]}"#,
            #"{"StartTime": 1800000200, "EndTime": 1800000500}"#,
            #"{"MaxResults": 5}"#,
        ]
        let appended = try queries.map { try live.lookupEvents(request: Data($0.utf8)) }
        let reopened = try dir.openStore()
        let scanned = try queries.map { try reopened.lookupEvents(request: Data($0.utf8)) }
        for (q, (a, s)) in zip(queries, zip(appended, scanned)) {
            #expect(String(decoding: a, as: UTF8.self) == String(decoding: s, as: UTF8.self), "query \(q)")
        }
        func count(_ data: Data) throws -> Int {
            ((try JSONSerialization.jsonObject(with: data) as! [String: Any])["Events"] as! [Any]).count
        }
        // The decoys inside request parameters are never taken for the event's own members.
        #expect(try count(scanned[0]) == 1)
        #expect(try count(scanned[1]) == 1)
        #expect(try count(scanned[4]) == 0)
        #expect(try count(scanned[6]) == 0)
        #expect(try count(scanned[9]) == 0)
        #expect(try count(scanned[3]) == 4)
        #expect(try count(scanned[5]) == 1)
        #expect(try count(scanned[8]) == 5)  // the 4 DescribeSessions and the StartSession marked read-only
    }
}
