import AccessPolicy
import AWSCore
import ControlPlane
import Foundation
import Testing

/// A revocation holds until `reinstate`: gangwayd with `PolicyAuthorizer`, real SQLite, real HTTP, SigV4-signed calls.
struct RevocationStickyTests {
    typealias Fixture = PolicyEnforcementTests.Fixture

    func call(_ c: AWSJSONClient, _ op: String, _ body: String = "{}") async -> AWSError? {
        await failure { _ = try await c.callRaw(op, body: Array(body.utf8)) }
    }

    @Test func aRevokedUserIsDeniedEverythingEvenWithANewKeyUntilReinstated() async throws {
        try await Fixture.with { f in
            let policies = try SQLitePolicyStore(dataDir: f.dir)
            let before = try await f.user("alice", policies: [BuiltinPolicies.administratorAccess])
            #expect(await call(before, "DescribeSessions", #"{"State":"Active"}"#) == nil)

            try await f.store.upsertSession(SessionRecord(sessionId: "alice-0123456789abcdef0", target: "mi-0000000000000000a",
                                                          owner: "alice", status: .terminated,
                                                          documentName: "SSM-SessionManagerRunShell", startDate: f.clock.now()))
            #expect(try await policies.revoke(principal: "alice", reason: "laptop stolen", now: f.clock.now()) == 1)
            // The operator makes a fresh key (bypassing `key create`, which refuses): still denied.
            let after = f.client(try await f.store.createAccessKey(user: "alice"))
            let calls = [("DescribeSessions", #"{"State":"Active"}"#), ("DescribeInstanceInformation", "{}"),
                         ("StartSession", #"{"Target":"mi-0000000000000000a"}"#),
                         ("ResumeSession", #"{"SessionId":"alice-0123456789abcdef0"}"#),
                         ("TerminateSession", #"{"SessionId":"alice-0123456789abcdef0"}"#)]
            for (op, body) in calls {
                let e = await call(after, op, body)
                #expect(e?.code == "AccessDeniedException", "\(op)")
                #expect(e?.message.contains("principal alice was revoked at 2027-01-15T08:00:00Z: laptop stolen") == true, "\(op): \(e?.message ?? "")")
                #expect(e?.message.contains("gangwayd admin reinstate alice") == true)
            }
            let denials = await f.audit.events.filter { $0.principal == "alice" && $0.errorCode == "AccessDeniedException" }
            #expect(denials.map(\.eventName) == calls.map(\.0))
            #expect(denials.allSatisfy { $0.errorMessage?.contains("was revoked at") == true })

            let ended = try await policies.reinstate(principal: "alice", actor: "admin:ops", now: f.clock.now())
            #expect(ended.reason == "laptop stolen")
            #expect(await call(after, "DescribeSessions", #"{"State":"Active"}"#) == nil, "reinstated: the new key works")
            #expect(await call(before, "DescribeSessions", #"{"State":"Active"}"#)?.code == "UnrecognizedClientException",
                    "the keys disabled by the revocation stay disabled")
        }
    }

    @Test func reinstatingAPrincipalThatIsNotRevokedFailsClearly() async throws {
        try await Fixture.with { f in
            let policies = try SQLitePolicyStore(dataDir: f.dir)
            await #expect(throws: StoreError.self) {
                try await policies.reinstate(principal: "bob", actor: "admin:ops", now: f.clock.now())
            }
            do {
                try await policies.reinstate(principal: "bob", actor: "admin:ops", now: f.clock.now())
            } catch let e as StoreError {
                #expect(e.description.contains("bob is not revoked"))
            }
        }
    }

    @Test func revokeAndReinstateQueuedByTheAdminToolReachTheAuditLogOnce() async throws {
        try await Fixture.with { f in
            let policies = try SQLitePolicyStore(dataDir: f.dir)
            try await f.store.createUser("carol")
            let at = f.clock.now()
            _ = try await policies.revoke(principal: "carol", reason: "left the company", now: at)
            try await policies.recordAdminAction(AdminActionRecord(at: at, action: AdminActionRecord.revoke,
                                                                   principal: "carol", actor: "admin:ops",
                                                                   reason: "left the company"))
            try await policies.reinstate(principal: "carol", actor: "admin:ops", now: at.addingTimeInterval(60))
            _ = await f.server.enforceAccess()
            _ = await f.server.enforceAccess()
            let admin = await f.audit.events.filter { $0.eventSource == "gangway" && $0.principal == "admin:ops" }
            #expect(admin.map(\.eventName) == ["RevokePrincipal", "ReinstatePrincipal"])
            let parameters = admin.first?.requestParameters.map { String(decoding: $0, as: UTF8.self) } ?? ""
            #expect(parameters.contains("\"principal\":\"carol\"") && parameters.contains("left the company"))
            #expect(admin.last?.eventTime == at.addingTimeInterval(60))
            #expect(try await policies.pendingAdminActions(limit: 10).isEmpty)
        }
    }

    @Test func aRoleRevocationCoversItsSessions() {
        let revocations = ["role/oncall": RevocationRecord(principal: "role/oncall", revokedAt: Date(), reason: "rotated")]
        #expect(RevocationRecord.applying(to: "role/oncall/alice-1700000000", in: revocations)?.principal == "role/oncall")
        #expect(RevocationRecord.applying(to: "role/oncall", in: revocations) != nil)
        #expect(RevocationRecord.applying(to: "role/oncaller/x", in: revocations) == nil)
        #expect(RevocationRecord.applying(to: "alice", in: revocations) == nil)
    }
}

extension RevocationStickyTests {
    @Test func revokingAPersonCoversTheirSSORoleSessions() async throws {
        try await Fixture.with { f in
            let sts = try SQLiteTemporaryCredentialStore(dataDir: f.dir)
            let now = f.clock.now()
            try await sts.insert(TemporaryCredentialRecord(
                accessKeyId: "ASIAEXAMPLE000000001", secretAccessKey: "secret", sessionTokenHash: "hash",
                principal: "role/oncall/laptop-1", roleName: "oncall", sessionName: "laptop-1",
                issuer: "https://idp.example", subject: "00u-alice", userName: "alice@example.com",
                createdAt: now, expiresAt: now.addingTimeInterval(3600)))
            let authorizer = PolicyAuthorizer(store: try SQLitePolicyStore(dataDir: f.dir))
            #expect(await authorizer.revocation(of: "role/oncall/laptop-1") == nil)
            _ = try await SQLitePolicyStore(dataDir: f.dir).revoke(principal: "alice@example.com", reason: "left", now: now)
            let r = await authorizer.revocation(of: "role/oncall/laptop-1")
            // The store writes a revocation for each of the person's role sessions (naming the person in its reason);
            // either that record or the person's own must apply.
            #expect(r?.principal == "alice@example.com" || r?.principal == "role/oncall/laptop-1")
            #expect(r?.reason.hasPrefix("left") == true)
            #expect(await authorizer.revocation(of: "role/oncall/someone-else") == nil)
        }
    }
}
