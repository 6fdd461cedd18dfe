import AccessPolicy
import Testing

struct WildcardTests {
    @Test(arguments: [
        ("*", "", true), ("*", "anything", true), ("a*", "abc", true), ("a*", "bac", false),
        ("a?c", "abc", true), ("a?c", "ac", false), ("*-prod-*", "web-prod-1", true), ("*-prod-*", "web-staging-1", false),
        ("mi-*", "mi-0123", true), ("mi-*", "i-0123", false), ("a*b*c", "aXXbYYc", true), ("a*b*c", "aXXcYYb", false),
        ("**", "x", true), ("a*a", "a", false), ("*a", "bbbba", true), ("exact", "exact", true), ("exact", "Exact", false),
    ])
    func globMatching(pattern: String, text: String, expected: Bool) {
        #expect(Wildcard.matches(pattern, text) == expected, "\(pattern) vs \(text)")
    }

    @Test(arguments: [
        ("ssm:StartSession", "ssm:startsession", true), ("SSM:*", "ssm:TerminateSession", true),
        ("ssm:*Session", "ssm:ResumeSession", true), ("ssm:*Session", "ssm:DescribeSessions", false),
        ("ssm:Describe*", "ssm:DescribeInstanceInformation", true), ("ssm:?tartSession", "ssm:StartSession", true),
        ("cloudtrail:*", "ssm:StartSession", false), ("*", "gangway:GetSessionRecording", true),
    ])
    func actionsMatchIgnoringCase(pattern: String, action: String, expected: Bool) {
        #expect(ActionCatalog.pattern(pattern, matches: action) == expected)
    }

    @Test(arguments: [
        ("*", "mi-0123456789abcdef0", true),
        ("arn:aws:ssm:*:*:managed-instance/mi-*", "mi-0123456789abcdef0", true),
        ("arn:aws:ssm:*:*:managed-instance/*", "i-0123456789abcdef0", false),
        ("arn:aws:ec2:*:*:instance/i-*", "i-0123456789abcdef0", true),
        ("arn:aws:ec2:*:*:instance/*", "mi-0123456789abcdef0", false),
        ("arn:aws:ssm:eu-west-1:*:managed-instance/*", "mi-0123456789abcdef0", false),
        ("arn:aws:ssm:us-east-1:000000000000:managed-instance/mi-0123456789abcdef0", "mi-0123456789abcdef0", true),
        ("mi-0123456789abcdef0", "mi-0123456789abcdef0", true),
        ("mi-01234*", "mi-0123456789abcdef0", true),
        ("mi-9*", "mi-0123456789abcdef0", false),
        ("i-*", "i-0abc", true),
        ("arn:aws:ssm:*:*:session/alice-*", "alice-0123456789abcdef0", true),
        ("arn:aws:ssm:*:*:session/alice-*", "bob-0123456789abcdef0", false),
        // A list operation's `*` matches only an all-wildcard pattern.
        ("*", "*", true), ("mi-*", "*", false), ("arn:aws:ssm:*:*:managed-instance/*", "*", false),
    ])
    func resources(pattern: String, resource: String, expected: Bool) {
        #expect(ResourceName(resource).matches(pattern) == expected, "\(pattern) vs \(resource)")
    }

    @Test func sessionOwnerIsTheIdPrefix() {
        #expect(ResourceName.sessionOwner(of: "alice-0123456789abcdef0") == "alice")
        #expect(ResourceName.sessionOwner(of: "alice-bob-0123456789abcdef0") == "alice-bob")
        #expect(ResourceName.sessionOwner(of: "alice") == nil)
        #expect(ResourceName.sessionOwner(of: "-0123456789abcdef0") == nil)
    }
}
