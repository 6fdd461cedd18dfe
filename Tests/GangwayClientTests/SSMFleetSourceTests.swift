import AWSCore
import ConsoleCore
import Foundation
import GangwayTesting
import Testing
@testable import GangwayClient

@Suite struct SSMFleetSourceTests {
    @Test func resolvedSourceListsInstancesSessionsAndAuditFromOneEndpoint() async throws {
        let server = try LoopbackHTTPServer { req in
            switch req.header("X-Amz-Target") ?? "" {
            case "AmazonSSM.DescribeInstanceInformation":
                return .json(#"{"InstanceInformationList":[{"InstanceId":"mi-1","ComputerName":"node-a","PingStatus":"Online","Tags":[{"Key":"eks:cluster-name","Value":"prod"},{"Key":"eks:nodegroup-name","Value":"ng"}]}]}"#)
            case "AmazonSSM.DescribeSessions":
                return .json(#"{"Sessions":[{"SessionId":"bob-1","Target":"mi-1","Status":"Terminated","Owner":"bob"}]}"#)
            case "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents":
                return .json(#"{"Events":[{"EventId":"e1","EventName":"StartSession","EventTime":1764500000,"Username":"bob"}]}"#)
            default:
                return .json(#"{"__type":"UnknownOperationException","message":"?"}"#, status: 400)
            }
        }
        defer { server.stop() }
        let env = ["HOME": "/nonexistent", "AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "S"]
        let source = try SSMFleetSource.resolve(endpointURL: server.url, environment: env)
        #expect(source.contextName == "default @ \(server.url)")
        let instances = try await source.instances()
        #expect(instances == [InstanceRow(id: "mi-1", name: "node-a", pingStatus: .online, platform: "", cluster: "prod", nodegroup: "ng",
                                          tags: ["eks:cluster-name": "prod", "eks:nodegroup-name": "ng"], computerName: "node-a")])
        let history = try await source.sessions(history: true)
        #expect(history.first?.status == .terminated && history.first?.owner == "bob")
        #expect(Self.body(server.requests[1])["State"] as? String == "History")
        let audit = try await source.auditEvents(.newest(limit: 10))
        #expect(audit.rows.map(\.id) == ["e1"] && audit.older == nil)
        // The console asks for changes only, so its own Describe* polling does not bury them.
        let lookup = Self.body(server.requests[2])["LookupAttributes"] as? [[String: String]]
        #expect(lookup == [["AttributeKey": "ReadOnly", "AttributeValue": "false"]])
        // CloudTrail calls are signed for service "cloudtrail" on the same endpoint.
        #expect(server.requests[2].header("Authorization")?.contains("/us-east-1/cloudtrail/aws4_request") == true)
    }

    /// An older page continues the console's query with CloudTrail's NextToken (same attributes, as CloudTrail
    /// requires), in pages of at most 50, and hands back where it stopped.
    @Test func olderAuditPagesContinueTheSameQueryByToken() async throws {
        let server = try LoopbackHTTPServer { req in
            let body = Self.body(req)
            let token = body["NextToken"] as? String ?? ""
            let max = body["MaxResults"] as? Int ?? 0
            let events = (0..<max).map { #"{"EventId":"\#(token)-\#($0)","EventName":"StartSession","EventTime":1764500000}"# }
            return .json(#"{"Events":[\#(events.joined(separator: ","))],"NextToken":"\#(token)x"}"#)
        }
        defer { server.stop() }
        let env = ["HOME": "/nonexistent", "AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "S"]
        let source = try SSMFleetSource.resolve(endpointURL: server.url, environment: env)
        let page = try await source.auditEvents(.older("t", limit: 70))
        #expect(page.rows.count == 70 && page.rows.first?.id == "t-0" && page.rows.last?.id == "tx-19")
        #expect(page.older == "txx")
        let bodies = server.requests.map(Self.body)
        #expect(bodies.map { $0["NextToken"] as? String } == ["t", "tx"])
        #expect(bodies.map { $0["MaxResults"] as? Int } == [50, 20])
        #expect(bodies.allSatisfy { ($0["LookupAttributes"] as? [[String: String]]) == [["AttributeKey": "ReadOnly", "AttributeValue": "false"]] })
    }

    @Test func tlsForIPEndpointsGetsAServerName() {
        #expect(SSMFleetSource.channelTLS(endpoint: "https://127.0.0.1:8443", caFile: "/ca.pem", serverName: nil, environment: [:]).sniHostname == "localhost")
        #expect(SSMFleetSource.channelTLS(endpoint: "https://gw.example", caFile: nil, serverName: nil, environment: [:]).sniHostname == nil)
        #expect(SSMFleetSource.channelTLS(endpoint: "https://gw.example", caFile: nil, serverName: nil, environment: ["AWS_CA_BUNDLE": "/b.pem"]).caCertificatePath == "/b.pem")
    }

    static func body(_ r: LoopbackHTTPServer.Request) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(r.body))) as? [String: Any] ?? [:]
    }
}
