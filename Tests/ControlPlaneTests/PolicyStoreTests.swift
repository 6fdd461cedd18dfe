import AccessPolicy
import ControlPlane
import Foundation
import Testing

/// The policy store and its administration on a real SQLite database in a temporary directory.
struct PolicyStoreTests {
    static func withAdmin(_ body: (PolicyAdministration, SQLiteStore, URL) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gangway-policystore-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let core = try SQLiteStore(dataDir: dir)
        let admin = PolicyAdministration(policies: try SQLitePolicyStore(dataDir: dir), core: core)
        try await body(admin, core, dir)
    }

    static let readSessions = #"{"Statement": {"Sid": "Read", "Effect": "Allow", "Action": "ssm:DescribeSessions", "Resource": "*"}}"#

    func message(_ body: () async throws -> Void) async -> String? {
        do {
            try await body()
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func putValidatesWithFileLineAndColumnAndKeepsTheText() async throws {
        try await Self.withAdmin { admin, _, _ in
            let bad = "{\n  \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"ssm:StartSession\", \"Resource\": \"*\", \"Sid\": 3}\n}"
            #expect(await message { try await admin.put(name: "p", document: bad, source: "p.json") }
                    == "p.json:2:90: Sid must be a string, found a number")
            let created = try await admin.put(name: "p", document: Self.readSessions)
            let replaced = try await admin.put(name: "p", document: Self.readSessions + "\n")
            let text = try await admin.get(name: "p")
            #expect(created && !replaced)
            #expect(text == Self.readSessions + "\n")
            #expect(await message { try await admin.put(name: "AdministratorAccess", document: Self.readSessions) }?
                .contains("built-in policy and cannot be replaced") == true)
            #expect(await message { try await admin.put(name: "bad name", document: Self.readSessions) }?
                .contains("policy name `bad name` is invalid") == true)
        }
    }

    @Test func attachmentsNeedExistingPoliciesAndPrincipalsAndBlockDeletion() async throws {
        try await Self.withAdmin { admin, core, _ in
            try await core.createUser("alice")
            try await admin.put(name: "read", document: Self.readSessions)
            #expect(await message { try await admin.attach(policy: "nope", to: .user("alice")) }?.contains("no policy named nope") == true)
            #expect(await message { try await admin.attach(policy: "read", to: .user("zed")) }
                    == "no user named zed; create it with `gangwayd admin user create zed`")
            #expect(await message { try await admin.attach(policy: "read", to: .group("ops")) }?.contains("no group named ops") == true)
            try await admin.attach(policy: "read", to: .user("alice"))
            try await admin.attach(policy: BuiltinPolicies.readOnlyAccess, to: .user("alice"))
            #expect(await message { try await admin.delete(name: "read") } == "policy read is attached to user/alice; detach it first")
            let listing = try await admin.list()
            #expect(listing.map(\.name) == ["AdministratorAccess", "ReadOnlyAccess", "read"])
            #expect(listing[1].attachedTo == [.user("alice")])
            try await admin.detach(policy: "read", from: .user("alice"))
            #expect(await message { try await admin.detach(policy: "read", from: .user("alice")) } == "policy read is not attached to user/alice")
            try await admin.delete(name: "read")
            #expect(await message { _ = try await admin.get(name: "read") }?.contains("no policy named read") == true)
        }
    }

    @Test func directoryCarriesGroupsRolesAndTags() async throws {
        try await Self.withAdmin { admin, core, _ in
            try await core.createUser("alice")
            try await admin.createGroup("ops")
            try await admin.addUser("alice", toGroup: "ops")
            try await admin.attach(policy: BuiltinPolicies.readOnlyAccess, to: .group("ops"))
            try await admin.createRole("oncall", maxSessionSeconds: 7200)
            try await admin.attach(policy: BuiltinPolicies.administratorAccess, to: .role("oncall"))
            try await admin.setTag("team", value: "sre", on: .user("alice"))
            let dir = try await admin.policies.directory()
            #expect(dir.users["alice"] == PolicyDirectory.User(groups: ["ops"], policies: [], tags: ["team": "sre"]))
            #expect(dir.attachedPolicies(for: .user("alice")).map(\.via) == ["group ops"])
            #expect(dir.roles["oncall"]?.policies == [BuiltinPolicies.administratorAccess])
            #expect(try await admin.policies.role(named: "oncall")?.maxSessionSeconds == 7200)
            #expect(await message { try await admin.createGroup("ops") } == "group ops already exists")
        }
    }

    @Test func simulateUsesTheTargetsAgentLabels() async throws {
        try await Self.withAdmin { admin, core, _ in
            try await core.createUser("alice")
            try await core.upsertAgent(AgentRecord(instanceId: "mi-0000000000000000a", labels: ["env": "staging"], registeredAt: Date()))
            try await admin.put(name: "staging", document: #"""
            {"Statement": {"Sid": "Staging", "Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*",
                           "Condition": {"StringEquals": {"ssm:resourceTag/env": "staging"}}}}
            """#)
            try await admin.attach(policy: "staging", to: .user("alice"))
            let ok = try await admin.simulate(principal: "alice", action: "ssm:StartSession", target: "mi-0000000000000000a", at: Date())
            #expect(ok.allowed && ok.statement?.statement == "Staging")
            #expect(try await !admin.simulate(principal: "alice", action: "ssm:StartSession", target: "mi-0000000000000000b", at: Date()).allowed)
            #expect(try await admin.whoCanReach(target: "mi-0000000000000000a", at: Date()).map(\.principal) == [.user("alice")])
            #expect(await message { _ = try await admin.simulate(principal: "alice", action: "ssm:StartSesion", target: "*", at: Date()) }?
                .contains("unknown action ssm:StartSesion") == true)
        }
    }

    @Test func authorizerSeesChangesAtOnceAndFailsClosed() async throws {
        try await Self.withAdmin { admin, core, dir in
            try await core.createUser("alice")
            let authorizer = try PolicyAuthorizer(dataDir: dir)
            let request = AuthorizationRequest(principal: "alice", action: "ssm:DescribeSessions", resource: "*", time: Date())
            #expect(await !authorizer.authorize(request).allowed)
            try await admin.attach(policy: BuiltinPolicies.readOnlyAccess, to: .user("alice"))
            let allowed = await authorizer.authorize(request)
            #expect(allowed.allowed && allowed.statement == "policy ReadOnlyAccess statement DescribeAndLookup")
            try await admin.detach(policy: BuiltinPolicies.readOnlyAccess, from: .user("alice"))
            #expect(await !authorizer.authorize(request).allowed)

            // A stored document that no longer parses denies everything, saying why.
            try await admin.put(name: "read", document: Self.readSessions)
            try await admin.attach(policy: "read", to: .user("alice"))
            let db = try SQLitePolicyStore(dataDir: dir)
            _ = try await db.putPolicy(name: "read", document: "{broken", now: Date())
            let broken = await authorizer.authorize(request)
            #expect(!broken.allowed)
            #expect(broken.reason.contains("policies cannot be read") && broken.reason.contains("stored policy read no longer parses"))
        }
    }
}
