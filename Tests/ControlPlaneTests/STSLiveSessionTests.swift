import AccessPolicy
import AWSCore
@testable import ControlPlane
import Foundation
import SessionCore
import Testing

/// An SSO user's live shell (opened with temporary credentials) ends when the IdP user is revoked by name: the
/// revocation reaches the role session `role/oncall/bob`, which the maintenance pass ends.
struct STSLiveSessionTests {
    @Test func revokingTheIdPUserEndsTheirLiveSSOSession() async throws {
        let cp = try await TestControlPlane(configure: { $0.maintenanceInterval = 0.25 },
                                            authorizer: { dir in try PolicyAuthorizer(dataDir: dir) })
        do {
            let idp = OIDCTestIdP(issuer: "https://idp.live.example")
            let jwks = cp.dir.appendingPathComponent("jwks.json")
            try Data(idp.jwks().utf8).write(to: jwks)
            try await SQLiteTemporaryCredentialStore(dataDir: cp.dir).putProvider(
                OIDCProviderConfig(name: "corp", issuer: idp.issuer, audiences: ["gangway"], jwksFile: jwks.path), now: Date())
            let policies = try SQLitePolicyStore(dataDir: cp.dir)
            let admin = PolicyAdministration(policies: policies, core: cp.server.store)
            try await admin.createRole("oncall", trust: #"{"Issuer":"https://idp.live.example"}"#)
            try await admin.attach(policy: "AdministratorAccess", to: .role("oncall"))

            let token = idp.token(subject: "00u-bob", now: Date(), extra: ["preferred_username": "bob"])
            let body = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=oncall&RoleSessionName=bob&WebIdentityToken=\(token)"
            let r = try await cp.unsigned("/", body: body, headers: [("Content-Type", "application/x-www-form-urlencoded")])
            #expect(r.status == 200, "\(r.bodyText)")
            let answer = STSFixture.STSAnswer(status: r.status, xml: r.bodyText)
            let creds = try #require(answer.credentials)

            let agent = try await FakeAgent.start(cp)
            #expect(try await eventually {
                try await cp.call("GetConnectionStatus", #"{"Target":"\#(agent.instanceId)"}"#, credentials: creds).json["Status"] as? String == "connected"
            })
            let start = try await cp.call("StartSession", #"{"Target":"\#(agent.instanceId)"}"#, credentials: creds)
            let sessionId = try #require(start.json["SessionId"] as? String, "\(start.json)")
            #expect(sessionId.hasPrefix("bob-"))
            let tokenValue = try #require(start.json["TokenValue"] as? String)
            let url = try #require(start.json["StreamUrl"] as? String)
            _ = try #require(await agent.nextControl(.interactiveShell))
            let agentData = try await agent.openData(sessionId)
            try await agentData.sendBinary(Frames.state("Connected", session: sessionId))
            let client = try await TestSocket.open(url)
            try await client.sendText(try OpenDataChannelInput.client(requestId: "q", tokenValue: tokenValue, clientId: "cl").jsonText())
            // Attached once a frame from the client reaches the agent (before that, an ended session refuses it instead).
            try await OpenSession(sessionId: sessionId, streamUrl: url, agent: agent, agentData: agentData, client: client)
                .clientAttached()

            #expect(try await policies.revoke(principal: "bob", reason: "left the company", now: Date()) == 1)
            let closed = Frames.decode(await client.next(within: 3))
            #expect(closed?.messageType == .channelClosed)
            #expect(closed?.payloadText.contains("role/oncall/bob was revoked") == true)
            #expect(try await policies.revocations()["role/oncall/bob"]?.reason == "left the company (revoked with bob)")
        } catch {
            await cp.stop()
            throw error
        }
        await cp.stop()
    }
}
