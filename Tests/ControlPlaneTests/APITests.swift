import AWSCore
import ControlPlane
import Foundation
import Testing

@Suite("gangwayd API: SigV4 and AWS error shapes")
struct APITests {
    @Test("every operation answers with AWS JSON 1.1 shapes, and each call is audited")
    func operationsAndAudit() async throws {
        let cp = try await TestControlPlane()
        defer { Task { await cp.stop() } }

        let d = try await cp.call("DescribeInstanceInformation")
        #expect(d.status == 200)
        #expect((d.json["InstanceInformationList"] as? [Any])?.isEmpty == true)

        let s = try await cp.call("DescribeSessions", #"{"State":"History","Unknown":1}"#)
        #expect(s.status == 200)
        #expect(s.json["Sessions"] is [Any])

        let g = try await cp.call("GetConnectionStatus", #"{"Target":"mi-00000000000000001"}"#)
        #expect(g.json["Status"] as? String == "notconnected")

        let t = try await cp.call("TerminateSession", #"{"SessionId":"alice-0123456789abcdef0"}"#)
        #expect(t.status == 400)
        #expect(t.json["__type"] as? String == "DoesNotExistException")

        let events = await cp.audit.events
        #expect(events.count == 4)
        #expect(events.allSatisfy { $0.principal == "alice" && $0.sourceIPAddress == "127.0.0.1" && $0.userAgent != nil })
        #expect(events.last?.errorCode == "DoesNotExistException")
    }

    @Test("unknown operations, bad JSON and missing fields get UnknownOperation, Serialization and Validation errors")
    func requestErrors() async throws {
        let cp = try await TestControlPlane()
        defer { Task { await cp.stop() } }

        let unknown = try await cp.call("SendCommand")
        #expect(unknown.status == 400)
        #expect(unknown.json["__type"] as? String == "UnknownOperationException")

        let badJSON = try await cp.call("DescribeSessions", "{not json")
        #expect(badJSON.json["__type"] as? String == "SerializationException")

        let missing = try await cp.call("StartSession", "{}")
        #expect(missing.json["__type"] as? String == "ValidationException")
        #expect((missing.json["message"] as? String)?.contains("Target") == true)

        let range = try await cp.call("DescribeInstanceInformation", #"{"MaxResults":3}"#)
        #expect(range.json["__type"] as? String == "ValidationException")
        #expect((range.json["message"] as? String)?.contains("maxResults") == true)

        // 1 is an integer (on Linux every NSNumber holding 0 or 1 also casts to Bool: `--max-results 1` was refused);
        // true is not, nor is 2.5.
        let one = try await cp.call("DescribeSessions", #"{"State":"History","MaxResults":1}"#)
        #expect(one.status == 200, "\(one.json)")
        for bad in ["true", "false", "2.5", "\"5\""] {
            let refused = try await cp.call("DescribeSessions", #"{"State":"History","MaxResults":"# + bad + "}")
            #expect(refused.json["__type"] as? String == "SerializationException", "MaxResults \(bad): \(refused.json)")
        }

        let badFilter = try await cp.call("DescribeInstanceInformation", #"{"Filters":[{"Key":"Color","Values":["x"]}]}"#)
        #expect(badFilter.json["__type"] as? String == "InvalidFilterKey")

        let badToken = try await cp.call("DescribeSessions", #"{"State":"Active","NextToken":"garbage!"}"#)
        #expect(badToken.json["__type"] as? String == "InvalidNextToken")

        let notConnected = try await cp.call("StartSession", #"{"Target":"mi-00000000000000001"}"#)
        #expect(notConnected.json["__type"] as? String == "TargetNotConnected")
    }

    @Test("wrong secret, unknown key, stale date and no signature are rejected with AWS codes and audited")
    func signatureErrors() async throws {
        let cp = try await TestControlPlane()
        defer { Task { await cp.stop() } }

        let wrong = AWSCredentials(accessKeyId: cp.key.accessKeyId, secretAccessKey: String(repeating: "x", count: 40))
        let bad = try await cp.call("DescribeSessions", #"{"State":"Active"}"#, credentials: wrong)
        #expect(bad.status == 400)
        #expect(bad.json["__type"] as? String == "InvalidSignatureException")

        let unknown = AWSCredentials(accessKeyId: "AKGWNOSUCHKEY0000000", secretAccessKey: "y")
        #expect(try await cp.call("DescribeSessions", #"{"State":"Active"}"#, credentials: unknown).json["__type"] as? String
                == "UnrecognizedClientException")

        let stale = try await cp.call("DescribeSessions", #"{"State":"Active"}"#, date: Date().addingTimeInterval(-600))
        #expect(stale.json["__type"] as? String == "InvalidSignatureException")
        #expect((stale.json["message"] as? String)?.lowercased().contains("expired") == true)

        let none = try await cp.unsigned("/", headers: [("X-Amz-Target", "AmazonSSM.DescribeSessions"),
                                                        ("Content-Type", "application/x-amz-json-1.1")])
        #expect(none.status == 400)
        #expect(none.bodyText.contains("MissingAuthenticationTokenException"))

        let denied = await cp.audit.events.filter { $0.errorCode != nil }
        #expect(denied.count == 4)
        #expect(denied.allSatisfy { $0.sourceIPAddress == "127.0.0.1" })
    }

    @Test("health and readiness endpoints")
    func health() async throws {
        let cp = try await TestControlPlane()
        defer { Task { await cp.stop() } }
        #expect(try await cp.unsigned("/healthz", method: "GET", body: "").status == 200)
        let ready = try await cp.unsigned("/readyz", method: "GET", body: "")
        #expect(ready.status == 200)
        #expect(ready.bodyText.contains("ready"))
    }
}
