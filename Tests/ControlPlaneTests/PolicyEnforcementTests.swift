import AccessPolicy
import AWSCore
import ControlPlane
import Foundation
import Testing

/// gangwayd with `PolicyAuthorizer`: real SQLite in a temporary data directory, real HTTP on 127.0.0.1:0, requests
/// signed with SigV4 by AWSCore's client, as the AWS CLI does.
struct PolicyEnforcementTests {
    struct Fixture {
        let dir: URL
        let server: ControlPlaneServer
        let store: SQLiteStore
        let admin: PolicyAdministration
        let audit: MemoryAuditSink
        let clock: ManualClock

        static func start(at start: Date = Date(timeIntervalSince1970: 1_800_000_000)) async throws -> Fixture {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gangway-policy-\(UUID().uuidString)")
            let store = try SQLiteStore(dataDir: dir)
            let policies = try SQLitePolicyStore(dataDir: dir)
            let audit = MemoryAuditSink()
            let clock = ManualClock(start: start)
            let server = try ControlPlaneServer(config: ControlPlaneConfig(dataDir: dir), store: store, auditSink: audit,
                                                authorizer: PolicyAuthorizer(store: policies), clock: clock)
            try await server.start()
            return Fixture(dir: dir, server: server, store: store,
                           admin: PolicyAdministration(policies: policies, core: store), audit: audit, clock: clock)
        }

        /// Runs `body` against a fresh server and always shuts it down.
        static func with(at start: Date = Date(timeIntervalSince1970: 1_800_000_000),
                         _ body: (Fixture) async throws -> Void) async throws {
            let f = try await Fixture.start(at: start)
            do {
                try await body(f)
            } catch {
                await f.stop()
                throw error
            }
            await f.stop()
        }

        func stop() async {
            await server.shutdown()
            try? FileManager.default.removeItem(at: dir)
        }

        func client(_ key: CreatedAccessKey) -> AWSJSONClient {
            let settings = AWSClientSettings(credentials: AWSCredentials(accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey),
                                             region: "eu-west-3", endpointURL: server.baseURL)
            return AWSJSONClient(settings: settings, signingName: "ssm", targetPrefix: "AmazonSSM", maxAttempts: 1,
                                 clock: { [clock] in clock.now() })
        }

        func user(_ name: String, policies: [String] = []) async throws -> AWSJSONClient {
            try await store.createUser(name)
            for p in policies { try await admin.attach(policy: p, to: .user(name)) }
            return client(try await store.createAccessKey(user: name))
        }

        func agent(_ id: String, labels: [String: String]) async throws {
            try await store.upsertAgent(AgentRecord(instanceId: id, computerName: id, labels: labels, registeredAt: clock.now()))
        }
    }

    static let stagingPolicy = #"""
    {"Version": "2012-10-17", "Statement": [
      {"Sid": "StagingShells", "Effect": "Allow", "Action": "ssm:StartSession",
       "Resource": "arn:aws:ssm:*:*:managed-instance/*",
       "Condition": {"StringEquals": {"ssm:resourceTag/env": "staging"}}}]}
    """#

    static let staging = "mi-0000000000000000a"
    static let prod = "mi-0000000000000000b"

    func startSession(_ c: AWSJSONClient, _ target: String) async -> AWSError? {
        await failure { _ = try await c.callRaw("StartSession", body: Array(#"{"Target":"\#(target)"}"#.utf8)) }
    }

    @Test func stagingOnlyUserIsDeniedOnProdAndEveryDenialIsAudited() async throws {
        try await Fixture.with { f in
            try await f.admin.put(name: "staging-shells", document: Self.stagingPolicy)
            let alice = try await f.user("alice", policies: ["staging-shells"])
            try await f.agent(Self.staging, labels: ["env": "staging"])
            try await f.agent(Self.prod, labels: ["env": "prod"])

            let prod = await startSession(alice, Self.prod)
            #expect(prod?.code == "AccessDeniedException")
            #expect(prod?.message.contains("alice is not authorized to perform: ssm:StartSession on resource: \(Self.prod)") == true)
            #expect(prod?.message.contains("(default deny)") == true)

            // Allowed by policy: it gets past authorization and fails only because no agent is connected.
            #expect(await startSession(alice, Self.staging)?.code == "TargetNotConnected")

            // Nothing else was granted: listing instances is denied too.
            let list = await failure { _ = try await alice.callRaw("DescribeInstanceInformation", body: Array("{}".utf8)) }
            #expect(list?.code == "AccessDeniedException")

            let denials = await f.audit.events.filter { $0.errorCode == "AccessDeniedException" }
            #expect(denials.count == 2)
            let startDenial = try #require(denials.first { $0.eventName == "StartSession" })
            #expect(startDenial.principal == "alice")
            #expect(startDenial.target == Self.prod)
            #expect(startDenial.errorMessage?.contains("denied: no statement allows ssm:StartSession on \(Self.prod) (default deny)") == true)
        }
    }

    @Test func userWithoutPoliciesIsDeniedAndAdministratorIsNot() async throws {
        try await Fixture.with { f in
            let nobody = try await f.user("nobody")
            let root = try await f.user("root", policies: [BuiltinPolicies.administratorAccess])
            try await f.agent(Self.prod, labels: ["env": "prod"])
            let denied = await failure { _ = try await nobody.callRaw("DescribeSessions", body: Array(#"{"State":"Active"}"#.utf8)) }
            #expect(denied?.code == "AccessDeniedException")
            #expect(denied?.message.contains("nobody has no policies attached") == true)
            #expect(await failure { _ = try await root.callRaw("DescribeSessions", body: Array(#"{"State":"Active"}"#.utf8)) } == nil)
            #expect(await startSession(root, Self.prod)?.code == "TargetNotConnected")
        }
    }

    @Test func explicitDenyAttachedThroughAGroupWinsAndAppliesToTheNextRequest() async throws {
        try await Fixture.with { f in
            let bob = try await f.user("bob", policies: [BuiltinPolicies.administratorAccess])
            try await f.agent(Self.prod, labels: ["env": "prod"])
            #expect(await startSession(bob, Self.prod)?.code == "TargetNotConnected")

            try await f.admin.put(name: "no-prod", document: #"""
            {"Statement": [{"Sid": "NoProd", "Effect": "Deny", "Action": "ssm:StartSession", "Resource": "*",
                            "Condition": {"StringEquals": {"ssm:resourceTag/env": "prod"}}}]}
            """#)
            try await f.admin.createGroup("contractors")
            try await f.admin.addUser("bob", toGroup: "contractors")
            try await f.admin.attach(policy: "no-prod", to: .group("contractors"))
            let denied = await startSession(bob, Self.prod)
            #expect(denied?.code == "AccessDeniedException")
            #expect(denied?.message.contains("policy no-prod statement NoProd (via group contractors) explicitly denies") == true)

            try await f.admin.removeUser("bob", fromGroup: "contractors")
            #expect(await startSession(bob, Self.prod)?.code == "TargetNotConnected")
        }
    }

    @Test func timeWindowOpensAndClosesWithTheServerClock() async throws {
        // Monday 30 March 2026, 05:59 UTC = 07:59 in Paris (CEST).
        try await Fixture.with(at: PolicyDate.parse("2026-03-30T05:59:00Z")!) { f in
            try await f.admin.put(name: "office-hours", document: #"""
            {"Statement": [{"Sid": "OfficeHours", "Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*",
                            "Condition": {"gangway:TimeWindow": {"gangway:window": "Mon-Fri 08:00-18:00 Europe/Paris"}}}]}
            """#)
            let carol = try await f.user("carol", policies: ["office-hours"])
            try await f.agent(Self.staging, labels: [:])
            #expect(await startSession(carol, Self.staging)?.code == "AccessDeniedException")
            f.clock.advance(60) // 08:00 Paris
            #expect(await startSession(carol, Self.staging)?.code == "TargetNotConnected")
            f.clock.advance(10 * 3600) // 18:00 Paris
            let closed = await startSession(carol, Self.staging)
            #expect(closed?.code == "AccessDeniedException")
            #expect(closed?.message.contains("gangway:TimeWindow gangway:window \"Mon-Fri 08:00-18:00 Europe/Paris\"") == true)
        }
    }
}
