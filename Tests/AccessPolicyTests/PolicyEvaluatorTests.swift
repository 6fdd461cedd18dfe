import AccessPolicy
import Foundation
import Testing

struct PolicyEvaluatorTests {
    static let staging = try! allowPolicy(resource: "arn:aws:ssm:*:*:managed-instance/*",
                                          condition: #"{"StringEquals": {"ssm:resourceTag/env": "staging"}}"#)

    @Test func allowedOnlyWhereTheTagMatches() {
        let ok = evaluate(request(tags: ["env": "staging"]), [("staging-shells", Self.staging)])
        #expect(ok.allowed)
        #expect(ok.statement == StatementReference(policy: "staging-shells", statement: "Rule"))
        #expect(ok.reason == "allowed: policy staging-shells statement Rule allows ssm:StartSession on mi-0123456789abcdef0")

        let prod = evaluate(request(tags: ["env": "prod"]), [("staging-shells", Self.staging)])
        #expect(!prod.allowed && prod.outcome == .implicitDeny && prod.statement == nil)
        #expect(prod.reason.hasPrefix("denied: no statement allows ssm:StartSession on mi-0123456789abcdef0 (default deny)"))
        #expect(prod.reason.contains("nearest: policy staging-shells statement Rule requires StringEquals ssm:resourceTag/env \"staging\""))

        let untagged = evaluate(request(), [("staging-shells", Self.staging)])
        #expect(!untagged.allowed)
    }

    @Test func noPoliciesMeansDefaultDeny() {
        let d = evaluate(request(), [])
        #expect(d.outcome == .implicitDeny)
        #expect(d.reason == "denied: no statement allows ssm:StartSession on mi-0123456789abcdef0 (default deny); alice has no policies attached")
    }

    @Test func explicitDenyWinsOverAnyAllow() throws {
        let deny = try policy(#"""
        {"Version": "2012-10-17", "Statement": [
          {"Sid": "NoProd", "Effect": "Deny", "Action": "ssm:*Session", "Resource": "*",
           "Condition": {"StringEquals": {"ssm:resourceTag/env": "prod"}}}]}
        """#)
        let admin = BuiltinPolicies.all[BuiltinPolicies.administratorAccess]!
        let d = evaluate(request(tags: ["env": "prod"]), [("AdministratorAccess", admin), ("no-prod", deny)])
        #expect(d.outcome == .explicitDeny)
        #expect(d.statement?.statement == "NoProd")
        #expect(d.reason == "denied: policy no-prod statement NoProd explicitly denies ssm:StartSession on mi-0123456789abcdef0")
        #expect(evaluate(request(tags: ["env": "dev"]), [("AdministratorAccess", admin), ("no-prod", deny)]).allowed)
    }

    struct ConditionCase: Sendable, CustomStringConvertible {
        var name: String
        var condition: String
        var request: AccessRequest
        var allowed: Bool
        var description: String { name }
    }

    static let conditionCases: [ConditionCase] = [
        // OR within a key, AND across keys and operators.
        ConditionCase(name: "any of the values", condition: #"{"StringEquals": {"ssm:resourceTag/env": ["staging", "qa"]}}"#,
                      request: request(tags: ["env": "qa"]), allowed: true),
        ConditionCase(name: "all keys must hold", condition: #"{"StringEquals": {"ssm:resourceTag/env": "qa", "ssm:resourceTag/team": "web"}}"#,
                      request: request(tags: ["env": "qa", "team": "db"]), allowed: false),
        ConditionCase(name: "all operators must hold", condition: #"{"StringEquals": {"ssm:resourceTag/env": "qa"}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#,
                      request: request(tags: ["env": "qa"], ip: "192.168.0.1"), allowed: false),
        ConditionCase(name: "string equality is case-sensitive", condition: #"{"StringEquals": {"ssm:resourceTag/env": "Staging"}}"#,
                      request: request(tags: ["env": "staging"]), allowed: false),
        ConditionCase(name: "IgnoreCase", condition: #"{"StringEqualsIgnoreCase": {"ssm:resourceTag/env": "Staging"}}"#,
                      request: request(tags: ["env": "staging"]), allowed: true),
        ConditionCase(name: "StringLike wildcard", condition: #"{"StringLike": {"gangway:cluster": "eks-stag*"}}"#,
                      request: request(tags: ["eks:cluster-name": "eks-staging-eu"]), allowed: true),
        ConditionCase(name: "nodegroup", condition: #"{"StringEquals": {"gangway:nodegroup": "batch"}}"#,
                      request: request(tags: ["eks:nodegroup-name": "web"]), allowed: false),
        ConditionCase(name: "NotEquals excludes every value", condition: #"{"StringNotEquals": {"ssm:resourceTag/env": ["prod", "pci"]}}"#,
                      request: request(tags: ["env": "pci"]), allowed: false),
        ConditionCase(name: "NotEquals holds for other values", condition: #"{"StringNotEquals": {"ssm:resourceTag/env": ["prod", "pci"]}}"#,
                      request: request(tags: ["env": "dev"]), allowed: true),
        ConditionCase(name: "NotEquals holds when the tag is absent (IAM)", condition: #"{"StringNotEquals": {"ssm:resourceTag/env": "prod"}}"#,
                      request: request(), allowed: true),
        ConditionCase(name: "StringNotLike", condition: #"{"StringNotLike": {"ssm:resourceTag/env": "prod*"}}"#,
                      request: request(tags: ["env": "prod-eu"]), allowed: false),
        ConditionCase(name: "positive operator fails when the tag is absent", condition: #"{"StringLike": {"ssm:resourceTag/env": "*"}}"#,
                      request: request(), allowed: false),
        ConditionCase(name: "IfExists holds when absent", condition: #"{"StringEqualsIfExists": {"ssm:resourceTag/env": "qa"}}"#,
                      request: request(), allowed: true),
        ConditionCase(name: "IfExists tests when present", condition: #"{"StringEqualsIfExists": {"ssm:resourceTag/env": "qa"}}"#,
                      request: request(tags: ["env": "prod"]), allowed: false),
        ConditionCase(name: "Null true = absent", condition: #"{"Null": {"ssm:resourceTag/owner": "true"}}"#,
                      request: request(tags: ["owner": "x"]), allowed: false),
        ConditionCase(name: "Null false = present", condition: #"{"Null": {"ssm:resourceTag/owner": "false"}}"#,
                      request: request(tags: ["owner": "x"]), allowed: true),
        ConditionCase(name: "principal tag", condition: #"{"StringEquals": {"aws:PrincipalTag/team": "sre"}}"#,
                      request: request(principalTags: ["team": "sre"]), allowed: true),
        ConditionCase(name: "user name", condition: #"{"StringEquals": {"aws:username": ["alice", "bob"]}}"#,
                      request: request(by: "carol"), allowed: false),
        ConditionCase(name: "tag matches a principal tag via variable", condition: #"{"StringEquals": {"ssm:resourceTag/team": "${aws:PrincipalTag/team}"}}"#,
                      request: request(tags: ["team": "web"], principalTags: ["team": "web"]), allowed: true),
        ConditionCase(name: "variable with missing principal tag never matches", condition: #"{"StringLike": {"ssm:resourceTag/team": "${aws:PrincipalTag/team}*"}}"#,
                      request: request(tags: ["team": "web"]), allowed: false),
        ConditionCase(name: "source IPv4 in range", condition: #"{"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}}"#,
                      request: request(ip: "203.0.113.9"), allowed: true),
        ConditionCase(name: "source IPv6 in range", condition: #"{"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}}"#,
                      request: request(ip: "2001:db8:ffff::2"), allowed: true),
        ConditionCase(name: "source IP outside", condition: #"{"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}}"#,
                      request: request(ip: "198.51.100.1"), allowed: false),
        ConditionCase(name: "unknown source IP fails IpAddress", condition: #"{"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}"#,
                      request: request(), allowed: false),
        ConditionCase(name: "NotIpAddress", condition: #"{"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#,
                      request: request(ip: "10.2.3.4"), allowed: false),
        ConditionCase(name: "MFA required", condition: #"{"Bool": {"aws:MultiFactorAuthPresent": "true"}}"#,
                      request: request(mfa: false), allowed: false),
        ConditionCase(name: "MFA present", condition: #"{"Bool": {"aws:MultiFactorAuthPresent": true}}"#,
                      request: request(mfa: true), allowed: true),
        // One-off windows (an on-call shift) with dates.
        ConditionCase(name: "before a shift", condition: #"{"DateGreaterThan": {"aws:CurrentTime": "2026-12-01T08:00:00Z"}, "DateLessThan": {"aws:CurrentTime": "2026-12-01T20:00:00+01:00"}}"#,
                      request: request(time: "2026-12-01T07:59:59Z"), allowed: false),
        ConditionCase(name: "during a shift", condition: #"{"DateGreaterThan": {"aws:CurrentTime": "2026-12-01T08:00:00Z"}, "DateLessThan": {"aws:CurrentTime": "2026-12-01T20:00:00+01:00"}}"#,
                      request: request(time: "2026-12-01T18:59:59Z"), allowed: true),
        ConditionCase(name: "after a shift (offset honoured)", condition: #"{"DateGreaterThan": {"aws:CurrentTime": "2026-12-01T08:00:00Z"}, "DateLessThan": {"aws:CurrentTime": "2026-12-01T20:00:00+01:00"}}"#,
                      request: request(time: "2026-12-01T19:00:00Z"), allowed: false),
        ConditionCase(name: "recurring window open", condition: #"{"gangway:TimeWindow": {"gangway:window": ["Mon-Fri 08:00-12:00 Europe/Paris", "Mon-Fri 14:00-18:00 Europe/Paris"]}}"#,
                      request: request(time: "2026-06-01T13:00:00Z"), allowed: true),
        ConditionCase(name: "recurring window lunch break", condition: #"{"gangway:TimeWindow": {"gangway:window": ["Mon-Fri 08:00-12:00 Europe/Paris", "Mon-Fri 14:00-18:00 Europe/Paris"]}}"#,
                      request: request(time: "2026-06-01T11:00:00Z"), allowed: false),
        ConditionCase(name: "outside a freeze window", condition: #"{"gangway:NotTimeWindow": {"gangway:window": "Fri 16:00-24:00 UTC"}}"#,
                      request: request(time: "2026-06-05T16:30:00Z"), allowed: false),
    ]

    @Test(arguments: conditionCases)
    func conditions(_ c: ConditionCase) throws {
        let doc = try allowPolicy(condition: c.condition)
        let d = evaluate(c.request, [("p", doc)])
        #expect(d.allowed == c.allowed, "\(c.name): \(d.reason)")
    }

    @Test func notActionAndNotResource() throws {
        let doc = try policy(#"""
        {"Statement": [{"Effect": "Allow", "NotAction": "ssm:TerminateSession", "NotResource": "mi-0bad*"}]}
        """#)
        #expect(evaluate(request(on: "mi-0123456789abcdef0"), [("p", doc)]).allowed)
        #expect(!evaluate(request(on: "mi-0bad456789abcdef0"), [("p", doc)]).allowed)
        #expect(!evaluate(request("ssm:TerminateSession", on: "bob-0123456789abcdef0"), [("p", doc)]).allowed)
    }

    @Test func usersAlwaysEndTheirOwnSessionButNeedPermissionForOthers() throws {
        let readOnly = BuiltinPolicies.all[BuiltinPolicies.readOnlyAccess]!
        let own = evaluate(request("ssm:TerminateSession", on: "alice-0123456789abcdef0"), [("ReadOnlyAccess", readOnly)])
        #expect(own.allowed && own.outcome == .ownSession)
        let resume = evaluate(request("ssm:ResumeSession", on: "alice-0123456789abcdef0"), [])
        #expect(resume.allowed)
        let other = evaluate(request("ssm:TerminateSession", on: "bob-0123456789abcdef0"), [("ReadOnlyAccess", readOnly)])
        #expect(!other.allowed)
        #expect(other.reason.hasPrefix("denied: no statement allows ssm:TerminateSession on bob-0123456789abcdef0"))
        // "alice" does not own "alice-bob"'s sessions.
        #expect(!evaluate(request("ssm:TerminateSession", on: "alice-bob-0123456789abcdef0"), []).allowed)

        let denyAll = try policy(#"{"Statement": {"Sid": "Frozen", "Effect": "Deny", "Action": "*", "Resource": "*"}}"#)
        #expect(evaluate(request("ssm:TerminateSession", on: "alice-0123456789abcdef0"), [("d", denyAll)]).allowed,
                "ending your own session is allowed even under a Deny")
        #expect(!evaluate(request("ssm:ResumeSession", on: "alice-0123456789abcdef0"), [("d", denyAll)]).allowed,
                "resuming is access: an explicit Deny wins")

        let terminator = try allowPolicy(action: "ssm:TerminateSession", resource: "arn:aws:ssm:*:*:session/*")
        #expect(evaluate(request("ssm:TerminateSession", on: "bob-0123456789abcdef0"), [("t", terminator)]).allowed)
    }

    @Test func usernameVariableScopesSessionResources() throws {
        let doc = try allowPolicy(action: "gangway:GetSessionRecording", resource: "arn:aws:ssm:*:*:session/${aws:username}-*")
        #expect(evaluate(request("gangway:GetSessionRecording", on: "alice-0123456789abcdef0"), [("p", doc)]).allowed)
        #expect(!evaluate(request("gangway:GetSessionRecording", on: "bob-0123456789abcdef0"), [("p", doc)]).allowed)
        // The 2008 grammar has no variables: the pattern is literal.
        let legacy = try policy(#"{"Version": "2008-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:ssm:*:*:session/${aws:username}-*"}}"#)
        #expect(!evaluate(request("gangway:GetSessionRecording", on: "alice-0123456789abcdef0"), [("p", legacy)]).allowed)
    }

    @Test func builtins() {
        let readOnly = [("ReadOnlyAccess", BuiltinPolicies.all[BuiltinPolicies.readOnlyAccess]!)]
        #expect(evaluate(request("ssm:DescribeInstanceInformation", on: "*"), readOnly).allowed)
        #expect(evaluate(request("cloudtrail:LookupEvents", on: "*"), readOnly).allowed)
        #expect(!evaluate(request("ssm:StartSession"), readOnly).allowed)
        #expect(!evaluate(request("gangway:GetSessionRecording", on: "bob-0123456789abcdef0"), readOnly).allowed)
        let admin = [("AdministratorAccess", BuiltinPolicies.all[BuiltinPolicies.administratorAccess]!)]
        for action in ActionCatalog.all {
            #expect(evaluate(request(action, on: "bob-0123456789abcdef0"), admin).allowed, "\(action)")
        }
    }

    @Test func listOperationsNeedResourceStar() throws {
        let scoped = try allowPolicy(action: "ssm:DescribeInstanceInformation", resource: "arn:aws:ssm:*:*:managed-instance/*")
        #expect(!evaluate(request("ssm:DescribeInstanceInformation", on: "*"), [("p", scoped)]).allowed)
        let star = try allowPolicy(action: "ssm:DescribeInstanceInformation", resource: "*")
        #expect(evaluate(request("ssm:DescribeInstanceInformation", on: "*"), [("p", star)]).allowed)
    }
}
