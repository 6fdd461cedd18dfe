import AWSCore
import ControlPlane
import Foundation
import Testing

@Suite("gangwayd agents: registration, control channel, PingStatus")
struct AgentTests {
    func instances(_ cp: TestControlPlane, _ body: String = "{}") async throws -> [[String: Any]] {
        try await cp.call("DescribeInstanceInformation", body).json["InstanceInformationList"] as? [[String: Any]] ?? []
    }

    @Test("a registered agent with an open control channel is Online with its labels; closing it makes it ConnectionLost")
    func onlineThenLost() async throws {
        let cp = try await TestControlPlane()
        defer { Task { await cp.stop() } }
        let agent = try await FakeAgent.start(cp, labels: ["eks:cluster-name": "prod", "eks:nodegroup-name": "ng-1", "team": "web"])

        #expect(try await eventually { try await instances(cp).first?["PingStatus"] as? String == "Online" })
        let info = try #require(try await instances(cp).first)
        #expect(info["InstanceId"] as? String == agent.instanceId)
        #expect((info["InstanceId"] as? String)?.hasPrefix("mi-") == true && (info["InstanceId"] as? String)?.count == 20)
        #expect(info["AgentVersion"] as? String == "3.3.0.0")
        #expect(info["ComputerName"] as? String == "web-1")
        #expect(info["ResourceType"] as? String == "ManagedInstance")
        let tags = info["Tags"] as? [[String: String]] ?? []
        #expect(tags.contains { $0["Key"] == "eks:cluster-name" && $0["Value"] == "prod" })

        let byTag = try await instances(cp, #"{"Filters":[{"Key":"tag:eks:cluster-name","Values":["prod"]}]}"#)
        #expect(byTag.count == 1)
        let none = try await instances(cp, #"{"Filters":[{"Key":"tag:eks:cluster-name","Values":["staging"]}]}"#)
        #expect(none.isEmpty)
        let legacy = try await instances(cp, #"{"InstanceInformationFilterList":[{"key":"PingStatus","valueSet":["Online"]}]}"#)
        #expect(legacy.count == 1)

        await agent.control.close()
        #expect(try await eventually { try await instances(cp).first?["PingStatus"] as? String == "ConnectionLost" })
    }

    @Test("heartbeats keep an agent Online; silence longer than connection-lost-after makes it ConnectionLost")
    func heartbeatSilence() async throws {
        let clock = ManualClock(start: Date())
        let cp = try await TestControlPlane(clock: clock)
        defer { Task { await cp.stop() } }
        let agent = try await FakeAgent.start(cp)
        #expect(try await eventually { try await instances(cp).first?["PingStatus"] as? String == "Online" })
        clock.advance(2)
        try await agent.heartbeat()
        try await Task.sleep(for: .milliseconds(200))
        clock.advance(2)   // 2 s since the heartbeat < 3 s window
        #expect(try await instances(cp).first?["PingStatus"] as? String == "Online")
        clock.advance(2)   // 4 s of silence > 3 s
        #expect(try await instances(cp).first?["PingStatus"] as? String == "ConnectionLost")
    }

    @Test("a registration token works once; reuse, unknown tokens and user keys on agent endpoints are refused")
    func registrationTokens() async throws {
        let cp = try await TestControlPlane()
        defer { Task { await cp.stop() } }
        let token = try await cp.server.store.createAgentToken()
        let body = #"{"RegistrationToken":"\#(token)","ComputerName":"h"}"#
        #expect(try await cp.unsigned("/gangway/v1/agents/register", body: body).status == 200)
        let again = try await cp.unsigned("/gangway/v1/agents/register", body: body)
        #expect(again.status == 403)
        #expect(again.bodyText.contains("registration token is invalid, used or expired"))

        let expired = try await cp.server.store.createAgentToken(uses: 1, ttl: 1, now: Date().addingTimeInterval(-10))
        #expect(try await cp.unsigned("/gangway/v1/agents/register",
                                      body: #"{"RegistrationToken":"\#(expired)"}"#).status == 403)

        let asUser = try await cp.agentPost("/v1/control-channel/mi-00000000000000001", body: "{}", credentials: cp.credentials)
        #expect(asUser.status == 403)
        #expect(asUser.bodyText.contains("<AccessDeniedException>"))
    }

    @Test("UpdateInstanceInformation from the agent updates what DescribeInstanceInformation shows")
    func updateInstanceInformation() async throws {
        let cp = try await TestControlPlane()
        defer { Task { await cp.stop() } }
        let agent = try await FakeAgent.start(cp)
        let r = try await cp.call("UpdateInstanceInformation", """
            {"InstanceId":"\(agent.instanceId)","AgentName":"gangway-agent","AgentVersion":"3.3.1.0","AgentStatus":"Active","PlatformType":"Linux","PlatformName":"Ubuntu","PlatformVersion":"24.04","IPAddress":"10.1.2.3","ComputerName":"db-1","Labels":{"role":"db"}}
            """, credentials: agent.credentials)
        #expect(r.status == 200)
        let info = try #require(try await instances(cp).first)
        #expect(info["ComputerName"] as? String == "db-1")
        #expect(info["AgentVersion"] as? String == "3.3.1.0")
        #expect(info["PlatformName"] as? String == "Ubuntu")

        let other = try await cp.call("UpdateInstanceInformation", #"{"InstanceId":"mi-00000000000000009"}"#,
                                      credentials: agent.credentials)
        #expect(other.json["__type"] as? String == "AccessDeniedException")
        let userCalls = try await cp.call("UpdateInstanceInformation", #"{"InstanceId":"\#(agent.instanceId)"}"#)
        #expect(userCalls.json["__type"] as? String == "AccessDeniedException")
    }
}
