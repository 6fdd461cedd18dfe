import AccessPolicy
import Foundation
import Testing

struct PolicySimulatorTests {
    static func directory() throws -> PolicyDirectory {
        let office = try policy(#"""
        {"Version": "2012-10-17", "Statement": [
          {"Sid": "StagingOfficeHours", "Effect": "Allow", "Action": ["ssm:StartSession", "ssm:ResumeSession"],
           "Resource": "arn:aws:ssm:*:*:managed-instance/*",
           "Condition": {"StringEquals": {"ssm:resourceTag/env": "staging"},
                         "gangway:TimeWindow": {"gangway:window": "Mon-Fri 08:00-18:00 Europe/Paris"},
                         "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "fd00::/8"]}}}]}
        """#)
        let oncall = try policy(#"""
        {"Statement": [{"Sid": "OnCall", "Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*"},
                       {"Sid": "NoPCI", "Effect": "Deny", "Action": "*", "Resource": "*",
                        "Condition": {"StringEquals": {"ssm:resourceTag/pci": "true"}}}]}
        """#)
        return PolicyDirectory(
            policies: ["office": office, "oncall": oncall],
            users: [
                "alice": .init(groups: ["devs"]),
                "bob": .init(policies: ["oncall"]),
                "carol": .init(policies: [BuiltinPolicies.readOnlyAccess]),
                "root": .init(policies: [BuiltinPolicies.administratorAccess]),
            ],
            groups: ["devs": .init(policies: ["office"])],
            roles: ["auditor": .init(policies: [BuiltinPolicies.readOnlyAccess]), "breakglass": .init(policies: ["oncall"])])
    }

    @Test func simulateNamesTheDecidingStatementAndGroup() throws {
        let sim = PolicySimulator(directory: try Self.directory())
        let staging = PolicySimulator.Target(id: "mi-0123456789abcdef0", tags: ["env": "staging"])
        let d = sim.simulate(principal: .user("alice"), action: "ssm:StartSession", target: staging,
                             at: at("2026-03-30T07:00:00Z"), sourceIP: "10.1.2.3")
        #expect(d.allowed)
        #expect(d.statement == StatementReference(policy: "office", statement: "StagingOfficeHours", via: "group devs"))
        #expect(d.reason.contains("(via group devs)"))

        let evening = sim.simulate(principal: .user("alice"), action: "ssm:StartSession", target: staging,
                                   at: at("2026-03-30T17:00:00Z"), sourceIP: "10.1.2.3")
        #expect(!evening.allowed)
        #expect(evening.reason.contains("gangway:TimeWindow gangway:window"))

        let home = sim.simulate(principal: .user("alice"), action: "ssm:StartSession", target: staging,
                                at: at("2026-03-30T07:00:00Z"), sourceIP: "198.51.100.7")
        #expect(!home.allowed)
        #expect(sim.simulate(principal: .user("alice"), action: "ssm:StartSession", target: staging,
                             at: at("2026-03-30T07:00:00Z"), sourceIP: "fd12::1").allowed)
    }

    @Test func unknownPrincipalsAndGroupsAreDenied() throws {
        let sim = PolicySimulator(directory: try Self.directory())
        let t = PolicySimulator.Target(id: "mi-0123456789abcdef0")
        #expect(sim.simulate(principal: .user("mallory"), action: "ssm:StartSession", target: t, at: Date()).reason
                == "denied: user/mallory does not exist (default deny)")
        #expect(!sim.simulate(principal: .group("devs"), action: "ssm:StartSession", target: t, at: Date()).allowed)
    }

    @Test func whoCanReachListsUsersAndRolesAtThatTime() throws {
        let sim = PolicySimulator(directory: try Self.directory())
        let staging = PolicySimulator.Target(id: "mi-0123456789abcdef0", tags: ["env": "staging"])
        let office = sim.whoCanReach(staging, at: at("2026-03-30T07:00:00Z"), sourceIP: "10.0.0.5").map(\.principal)
        #expect(office == [.role("breakglass"), .user("alice"), .user("bob"), .user("root")])
        let night = sim.whoCanReach(staging, at: at("2026-03-30T22:00:00Z"), sourceIP: "10.0.0.5").map(\.principal)
        #expect(night == [.role("breakglass"), .user("bob"), .user("root")])
        let pci = PolicySimulator.Target(id: "mi-0123456789abcdef0", tags: ["pci": "true"])
        #expect(sim.whoCanReach(pci, at: at("2026-03-30T07:00:00Z")).map(\.principal) == [.user("root")])
    }

    @Test(arguments: [
        ("alice", PrincipalID.user("alice")), ("user/alice", .user("alice")), ("group/ops", .group("ops")),
        ("role/on-call", .role("on-call")), ("arn:aws:iam::000000000000:user/alice", .user("alice")),
        ("arn:aws:iam::000000000000:role/auditor", .role("auditor")),
    ])
    func principalNames(text: String, expected: PrincipalID) {
        #expect(PrincipalID(parsing: text) == expected)
    }

    @Test(arguments: ["", "team/x", "user/", "a b", "arn:aws:s3:::bucket", String(repeating: "x", count: 65)])
    func badPrincipalNames(_ text: String) {
        #expect(PrincipalID(parsing: text) == nil)
    }

}
