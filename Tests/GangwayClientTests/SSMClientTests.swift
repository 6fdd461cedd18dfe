import AWSCore
import ConsoleCore
import Foundation
import GangwayTesting
import Testing
@testable import GangwayClient

/// SSMClient against a loopback server that answers like gangwayd / SSM.
@Suite struct SSMClientTests {
    static func client(_ server: LoopbackHTTPServer) -> SSMClient {
        SSMClient(settings: AWSClientSettings(credentials: AWSCredentials(accessKeyId: "AK", secretAccessKey: "S"),
                                              region: "us-east-1", endpointURL: server.url))
    }

    static func body(_ r: LoopbackHTTPServer.Request) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(r.body))) as? [String: Any] ?? [:]
    }

    @Test func allInstancesFollowsNextTokenAndSendsFilters() async throws {
        let server = try LoopbackHTTPServer { req in
            switch Self.body(req)["NextToken"] as? String {
            case nil: return .json(#"{"InstanceInformationList":[{"InstanceId":"mi-1","PingStatus":"Online"}],"NextToken":"p2"}"#)
            case "p2": return .json(#"{"InstanceInformationList":[{"InstanceId":"mi-2"}],"NextToken":"p3"}"#)
            default: return .json(#"{"InstanceInformationList":[{"InstanceId":"mi-3","LastPingDateTime":1764500000.25}]}"#)
            }
        }
        defer { server.stop() }
        let all = try await Self.client(server).allInstances(filters: [.init(key: "tag:env", values: ["prod"])])
        try #require(all.map(\.InstanceId) == ["mi-1", "mi-2", "mi-3"])
        #expect(all[2].LastPingDateTime == Date(timeIntervalSince1970: 1_764_500_000.25))
        #expect(server.requests.count == 3)
        let first = Self.body(server.requests[0])
        #expect(server.requests[0].header("X-Amz-Target") == "AmazonSSM.DescribeInstanceInformation")
        #expect((first["Filters"] as? [[String: Any]])?.first?["Key"] as? String == "tag:env")
        #expect(first["MaxResults"] as? Int == 50)
    }

    @Test func connectTargetThatIsNotOnlineSaysWhenItWasLastSeen() async throws {
        let now = Date(timeIntervalSince1970: 1_764_500_000)
        let server = try LoopbackHTTPServer { _ in
            .json(#"{"InstanceInformationList":[{"InstanceId":"mi-0123456789abcdef0","ComputerName":"web-1","PingStatus":"ConnectionLost","LastPingDateTime":\#(1_764_500_000 - 420)}]}"#)
        }
        defer { server.stop() }
        await #expect(throws: ConnectError("target mi-0123456789abcdef0 (web-1) is not connected (agent ConnectionLost, last seen 7 min ago); check that gangway-agent / amazon-ssm-agent runs on it")) {
            _ = try await Self.client(server).resolveConnectTarget("web-1", now: now)
        }
        // By id: only that instance is asked for.
        await #expect(throws: ConnectError.self) { _ = try await Self.client(server).resolveConnectTarget("mi-0123456789abcdef0", now: now) }
        let byId = Self.body(server.requests[1])
        #expect((byId["Filters"] as? [[String: Any]])?.first?["Values"] as? [String] == ["mi-0123456789abcdef0"])
    }

    @Test func ambiguousConnectTargetListsCandidates() async throws {
        let server = try LoopbackHTTPServer { _ in
            .json(#"{"InstanceInformationList":[{"InstanceId":"mi-a","ComputerName":"web-1","PingStatus":"Online"},{"InstanceId":"mi-b","ComputerName":"web-2","PingStatus":"Online"}]}"#)
        }
        defer { server.stop() }
        do {
            _ = try await Self.client(server).resolveConnectTarget("web")
            Issue.record("expected ambiguity")
        } catch let e as ConnectError {
            #expect(e.message == "'web' matches 2 instances; use a longer prefix or the instance id:\n  mi-a  web-1  Online\n  mi-b  web-2  Online")
        }
        #expect(try await Self.client(server).resolveConnectTarget("web-2") == "mi-b")
    }

    @Test func sessionCallsUseTheWireShapes() async throws {
        let server = try LoopbackHTTPServer { req in
            switch req.header("X-Amz-Target") {
            case "AmazonSSM.StartSession":
                return .json(#"{"SessionId":"alice-0123","TokenValue":"tok","StreamUrl":"ws://127.0.0.1:1/v1/data-channel/alice-0123?role=publish_subscribe"}"#)
            case "AmazonSSM.DescribeSessions":
                return .json(#"{"Sessions":[{"SessionId":"alice-0123","Target":"mi-1","Status":"Connected","StartDate":1764500000,"Owner":"alice"}]}"#)
            case "AmazonSSM.TerminateSession": return .json(#"{"SessionId":"alice-0123"}"#)
            default: return .json(#"{"__type":"UnknownOperationException","message":"no"}"#, status: 400)
            }
        }
        defer { server.stop() }
        let ssm = Self.client(server)
        let started = try await ssm.startSession(target: "mi-1", reason: "INC-1")
        #expect(started.TokenValue == "tok")
        #expect(Self.body(server.requests[0])["Reason"] as? String == "INC-1")
        let sessions = try await ssm.allSessions(state: "Active", filters: [SessionFilter(key: "Target", value: "mi-1")])
        #expect(SessionRow(try #require(sessions.first)).status == .connected)
        let filters = Self.body(server.requests[1])["Filters"] as? [[String: Any]]
        #expect(filters?.first?["key"] as? String == "Target")
        #expect(try await ssm.terminateSession(sessionId: "alice-0123") == "alice-0123")
        await #expect(throws: AWSError(code: "UnknownOperationException", message: "no", status: 400)) {
            _ = try await ssm.connectionStatus(target: "mi-1")
        }
    }
}
