import AccessPolicy
import Testing

/// Bad documents are refused with the line and column of the offending element and a message that says what to do.
struct PolicyParserTests {
    struct BadDocument: Sendable, CustomStringConvertible {
        var name: String
        var json: String
        var line: Int
        var column: Int
        var message: String
        var description: String { name }
    }

    static let badDocuments: [BadDocument] = [
        BadDocument(name: "missing comma", json: """
        {
          "Version": "2012-10-17"
          "Statement": []
        }
        """, line: 3, column: 3, message: "expected ',' or '}' after the value of \"Version\""),
        BadDocument(name: "trailing comma", json: """
        {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",}]}
        """, line: 2, column: 67, message: "trailing comma"),
        BadDocument(name: "unterminated string", json: """
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow
        """, line: 1, column: 58, message: "unterminated string"),
        BadDocument(name: "single quotes", json: "{'Version': 1}", line: 1, column: 2, message: "expected a quoted member name"),
        BadDocument(name: "empty", json: "  \n ", line: 2, column: 2, message: "the document is empty"),
        BadDocument(name: "garbage after", json: "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}} x",
                    line: 1, column: 68, message: "after the end of the JSON document"),
        BadDocument(name: "duplicate key", json: """
        {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
                       "Effect": "Deny"}}
        """, line: 2, column: 16, message: "duplicate key \"Effect\" (first defined at line 1, column 16)"),
        BadDocument(name: "unknown top-level field", json: """
        {"Version": "2012-10-17",
         "Statements": []}
        """, line: 2, column: 2, message: "unknown field \"Statements\" in the policy document"),
        BadDocument(name: "field with wrong case", json: """
        {"Statement": [{"effect": "Allow", "Action": "*", "Resource": "*"}]}
        """, line: 1, column: 17, message: "did you mean \"Effect\"?"),
        BadDocument(name: "bad effect", json: """
        {"Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "allow", "Action": "*", "Resource": "*"}
        ]}
        """, line: 3, column: 16, message: "Effect must be \"Allow\" or \"Deny\", found \"allow\""),
        BadDocument(name: "misspelled action", json: """
        {"Statement": [{"Effect": "Allow",
                        "Action": ["ssm:DescribeSessions", "ssm:StartSesion"],
                        "Resource": "*"}]}
        """, line: 2, column: 52, message: "did you mean ssm:StartSession?"),
        BadDocument(name: "unknown operator", json: """
        {"Statement": [{"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*",
                        "Condition": {"StringEqual": {"ssm:resourceTag/env": "staging"}}}]}
        """, line: 2, column: 31, message: "unknown condition operator \"StringEqual\""),
        BadDocument(name: "unknown key", json: """
        {"Statement": [{"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*",
                        "Condition": {"StringEquals": {"ssm:ResourceTags/env": "staging"}}}]}
        """, line: 2, column: 48, message: "unknown condition key \"ssm:ResourceTags/env\""),
        BadDocument(name: "operator does not fit key", json: """
        {"Statement": [{"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*",
                        "Condition": {"StringEquals": {"aws:SourceIp": "10.0.0.1"}}}]}
        """, line: 2, column: 48, message: "use IpAddress or NotIpAddress"),
        BadDocument(name: "bad CIDR", json: """
        {"Statement": [{"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*",
                        "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "10.0.0.0/33"]}}}]}
        """, line: 2, column: 76, message: "\"10.0.0.0/33\" is not an IP address or CIDR block"),
        BadDocument(name: "bad date", json: """
        {"Statement": [{"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*",
                        "Condition": {"DateLessThan": {"aws:CurrentTime": "2026-02-30T00:00:00Z"}}}]}
        """, line: 2, column: 67, message: "is not a date"),
        BadDocument(name: "bad time window zone", json: """
        {"Statement": [{"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*",
                        "Condition": {"gangway:TimeWindow": {"gangway:window": "Mon-Fri 08:00-18:00 Europe/Pariss"}}}]}
        """, line: 2, column: 72, message: "unknown time zone \"Europe/Pariss\""),
        BadDocument(name: "bad time window hour", json: """
        {"Statement": [{"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*",
                        "Condition": {"gangway:TimeWindow": {"gangway:window": "Mon-Fri 8:00-25:00"}}}]}
        """, line: 2, column: 72, message: "bad time \"25:00\""),
        BadDocument(name: "principal element", json: """
        {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}
        """, line: 1, column: 36, message: "Principal is not allowed in an identity policy"),
        BadDocument(name: "both Action and NotAction", json: """
        {"Statement": [{"Effect": "Deny", "Action": "*",
                        "NotAction": "ssm:DescribeSessions", "Resource": "*"}]}
        """, line: 2, column: 17, message: "has both Action and NotAction"),
        BadDocument(name: "missing Resource", json: """
        {"Statement": [{"Effect": "Allow", "Action": "*"}]}
        """, line: 1, column: 16, message: "Statement[0] has no Resource"),
        BadDocument(name: "bad ARN", json: """
        {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:ssm:managed-instance/mi-1"}]}
        """, line: 1, column: 63, message: "is not an ARN"),
        BadDocument(name: "unknown variable", json: """
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*",
          "Resource": "arn:aws:ssm:*:*:session/${aws:userid}-*"}]}
        """, line: 2, column: 15, message: "unknown policy variable ${aws:userid}"),
        BadDocument(name: "duplicate Sid", json: """
        {"Statement": [{"Sid": "A", "Effect": "Allow", "Action": "*", "Resource": "*"},
                       {"Sid": "A", "Effect": "Deny", "Action": "*", "Resource": "*"}]}
        """, line: 2, column: 16, message: "Sid \"A\" is used twice"),
        BadDocument(name: "wrong version", json: """
        {"Version": "2012-10-18", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        """, line: 1, column: 13, message: "Version must be \"2012-10-17\""),
        BadDocument(name: "set operator", json: """
        {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",
          "Condition": {"ForAnyValue:StringEquals": {"aws:username": "a"}}}]}
        """, line: 2, column: 17, message: "set operators"),
        BadDocument(name: "empty action list", json: """
        {"Statement": [{"Effect": "Allow", "Action": [], "Resource": "*"}]}
        """, line: 1, column: 46, message: "Action is an empty list"),
        BadDocument(name: "unicode before error counts columns in characters", json: """
        {"Id": "café ☕", "Statement": [{"Effect": "Alloww", "Action": "*", "Resource": "*"}]}
        """, line: 1, column: 43, message: "Effect must be"),
    ]

    @Test(arguments: badDocuments)
    func rejectsWithPosition(_ bad: BadDocument) {
        do {
            _ = try PolicyDocument(parsing: bad.json)
            Issue.record("\(bad.name): accepted a bad document")
        } catch {
            #expect(error.line == bad.line && error.column == bad.column, "\(bad.name): \(error)")
            #expect(error.message.contains(bad.message), "\(bad.name): \(error)")
        }
    }

    @Test func acceptsTheFullGrammar() throws {
        let doc = try PolicyDocument(parsing: """
        {
          "Version": "2012-10-17",
          "Id": "oncall",
          "Statement": [
            {"Sid": "Shells", "Effect": "Allow",
             "Action": ["ssm:StartSession", "ssm:ResumeSession"],
             "Resource": ["arn:aws:ssm:*:*:managed-instance/*", "arn:aws:ec2:*:*:instance/i-*"],
             "Condition": {
               "StringEquals": {"ssm:resourceTag/env": ["staging", "qa"], "aws:PrincipalTag/team": "sre"},
               "StringLike": {"gangway:cluster": "eks-*"},
               "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]},
               "DateGreaterThan": {"aws:CurrentTime": "2026-12-01T08:00:00Z"},
               "DateLessThan": {"aws:CurrentTime": 1796000000},
               "Bool": {"aws:MultiFactorAuthPresent": true},
               "gangway:TimeWindow": {"gangway:window": ["Mon-Fri 08:00-18:00 Europe/Paris", "Sat 10:00-12:00"]}
             }},
            {"Effect": "Deny", "NotAction": "ssm:Describe*", "NotResource": "mi-*",
             "Condition": {"StringNotEqualsIfExists": {"gangway:nodegroup": "ops"}, "Null": {"ssm:resourceTag/env": "true"}}}
          ]
        }
        """)
        #expect(doc.statements.count == 2)
        #expect(doc.statements[0].label == "Shells")
        #expect(doc.statements[0].conditions.count == 8)
        #expect(doc.statements[1].label == "Statement[1]")
        #expect(doc.statements[1].actions.negated && doc.statements[1].resources.negated)
        #expect(doc.statements[1].conditions.first?.op.ifExists == true)
    }

    @Test func singleStatementObjectIsAccepted() throws {
        let doc = try policy(#"{"Statement": {"Effect": "Deny", "Action": "ssm:TerminateSession", "Resource": "*"}}"#)
        #expect(doc.statements.count == 1 && doc.statements[0].effect == .deny)
    }

    @Test func escapesAndSurrogatesDecode() throws {
        let doc = try policy(#"{"Id": "a\"b\\c\u00e9\ud83d\ude00", "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}}"#)
        #expect(doc.id == "a\"b\\cé😀")
    }
}
