import AccessPolicy
import AWSCore
import ControlPlane
import Foundation
import SessionCore
import Testing

/// The grace period (`policyGraceSeconds`) on the server's manual clock, with a scripted agent so the exact frames
/// gangwayd sends can be checked.
extension LiveSessionPolicyTests {
    /// gangwayd with a 60 s grace and no background passes; alice allowed by `shells` (detachable).
    func graceServer(_ clock: ManualClock) async throws -> (TestControlPlane, PolicyAdministration) {
        let cp = try await TestControlPlane(configure: { $0.maintenanceInterval = 3600; $0.policyGraceSeconds = 60 },
                                           clock: clock, authorizer: { try PolicyAuthorizer(dataDir: $0) })
        let admin = PolicyAdministration(policies: try SQLitePolicyStore(dataDir: cp.dir), core: cp.server.store)
        try await admin.put(name: "shells", document: #"""
        {"Statement": [{"Effect": "Allow", "Action": ["ssm:StartSession", "ssm:GetConnectionStatus"], "Resource": "*"}]}
        """#)
        try await admin.attach(policy: "shells", to: .user("alice"))
        return (cp, admin)
    }

    /// The next `gangway_notice` gangwayd sent the agent (skipping anything else), as text.
    func nextNotice(_ s: OpenSession) async -> String? {
        while let m = Frames.decode(await s.agentData.next(within: 3)) {
            if m.messageType == .gangwayNotice { return m.payloadText }
        }
        return nil
    }

    @Test("a session policy stops allowing is told, and goes on if policy allows it again within the grace")
    func graceEndsWhenPolicyAllowsAgain() async throws {
        let clock = ManualClock(start: Date())
        let (cp, admin) = try await graceServer(clock)
        do {
            let s = try await startSession(cp)
            try await s.clientAttached()
            try await admin.detach(policy: "shells", from: .user("alice"))
            #expect(await cp.server.enforceAccess().isEmpty)
            let warning = try #require(await nextNotice(s))
            #expect(warning.contains("gangway: access to web-1 ends in 60 s: denied: no statement allows ssm:StartSession"))
            #expect(await cp.server.enforceAccess().isEmpty)

            clock.advance(30)
            try await admin.attach(policy: "shells", to: .user("alice"))
            #expect(await cp.server.enforceAccess().isEmpty)
            #expect(await nextNotice(s)?.contains("is allowed again") == true)
            clock.advance(60)
            #expect(await cp.server.enforceAccess().isEmpty, "the grace ended: nothing to end")
            let warned = await cp.audit.events.filter { $0.sessionId == s.sessionId && $0.eventName == "SessionAccessEnding" }
            #expect(warned.count == 1, "told once, not once per pass")
        } catch {
            await cp.stop()
            throw error
        }
        await cp.stop()
    }

    @Test("revocation ends a session at once even during a policy grace period")
    func revocationIgnoresTheGrace() async throws {
        let clock = ManualClock(start: Date())
        let (cp, admin) = try await graceServer(clock)
        do {
            let s = try await startSession(cp)
            try await s.clientAttached()
            try await admin.detach(policy: "shells", from: .user("alice"))
            #expect(await cp.server.enforceAccess().isEmpty)
            #expect(await nextNotice(s) != nil)

            _ = try await SQLitePolicyStore(dataDir: cp.dir).revoke(principal: "alice", reason: "compromised", now: clock.now())
            #expect(await cp.server.enforceAccess() == [s.sessionId])
            let closed = Frames.decode(await s.client.next(within: 3))
            #expect(closed?.messageType == .channelClosed)
            #expect(closed?.payloadText.contains("access for alice was revoked (compromised)") == true)
            let metrics = await cp.server.revocationMetrics()
            #expect(metrics.terminated["revoked"] == 1)
            #expect(await eventually(2) { await cp.server.revocationMetrics().count == 1 })
        } catch {
            await cp.stop()
            throw error
        }
        await cp.stop()
    }
}

extension LiveSessionPolicyTests {
    @Test("the grace period comes from `policy_grace` in the config file and is range-checked")
    func graceConfigKey() throws {
        var config = ControlPlaneConfig(dataDir: URL(fileURLWithPath: "/tmp/unused"))
        #expect(config.policyGraceSeconds == 0, "default: end at once")
        try ConfigFile(text: "[server]\npolicy_grace = 45\n").apply(to: &config)
        #expect(config.policyGraceSeconds == 45)
        config.policyGraceSeconds = -1
        #expect(throws: ControlPlaneConfigError.self) { try config.validate() }
    }
}
