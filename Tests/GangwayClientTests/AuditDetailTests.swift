import ConsoleCore
import Foundation
import Testing
@testable import GangwayClient

@Suite struct AuditDetailTests {
    /// A CloudTrail record as gangwayd (and AWS) return it inside LookupEvents' `CloudTrailEvent`.
    static let denied: CloudTrailClient.Event = {
        let record = #"""
        {"seq":82,"hash":"3658daf0470585a9b8bc33ffc58ab9c92c0e63900c8594403fd463d80fe131ac","eventSource":"ssm.amazonaws.com",
         "userIdentity":{"type":"IAMUser","principalId":"bob","accessKeyId":"AKGWEXAMPLE","userName":"bob"},
         "eventName":"StartSession","awsRegion":"eu-west-1","sourceIPAddress":"10.1.2.3","userAgent":"aws-cli/2.15",
         "errorCode":"AccessDeniedException","errorMessage":"User: bob is not authorized to perform: ssm:StartSession (default deny)",
         "requestParameters":{"Target":"mi-1","Reason":"INC-7","Parameters":{"b":[1],"a":"x"}},
         "resources":[{"type":"AWS::SSM::ManagedInstance","name":"mi-1"}]}
        """#
        let json = #"{"EventId":"e-1","EventName":"StartSession","EventTime":1800000000,"Username":"bob","#
            + #""Resources":[{"ResourceType":"AWS::SSM::ManagedInstance","ResourceName":"mi-1"}],"CloudTrailEvent":"#
            + String(decoding: try! JSONSerialization.data(withJSONObject: record, options: .fragmentsAllowed), as: UTF8.self) + "}"
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return try! decoder.decode(CloudTrailClient.Event.self, from: Data(json.utf8))
    }()

    @Test func anAuditRowKeepsTheRecordsFieldsBeyondTheColumns() throws {
        let row = AuditRow(Self.denied)
        #expect(row.result == "AccessDeniedException" && row.sourceIP == "10.1.2.3" && row.target == "mi-1")
        let d = try #require(row.detail)
        #expect(d.identityType == "IAMUser" && d.accessKeyId == "AKGWEXAMPLE" && d.region == "eu-west-1")
        #expect(d.userAgent == "aws-cli/2.15" && d.eventSource == "ssm.amazonaws.com")
        #expect(d.errorMessage.hasSuffix("(default deny)"))
        #expect(d.request == ["Parameters={\"a\":\"x\",\"b\":[1]}", "Reason=INC-7", "Target=mi-1"])
        #expect(d.resources == ["AWS::SSM::ManagedInstance mi-1"])
        #expect(d.sequence == 82 && d.hash.hasPrefix("3658daf0"))
    }

    @Test func detailsWrapLongValuesUnderTheirLabel() {
        let lines = AuditEventDetails.lines(for: AuditRow(Self.denied), width: 50, timeZone: TimeZone(identifier: "UTC")!)
        #expect(lines.allSatisfy { $0.count <= 50 }, "\(lines)")
        let message = lines.drop { !$0.hasPrefix("Message") }.prefix { $0.hasPrefix("Message") || $0.hasPrefix("    ") }
        #expect(message.count > 1)
        #expect(message.map { $0.dropFirst(12) }.joined(separator: " ") == "User: bob is not authorized to perform: ssm:StartSession (default deny)")
        #expect(lines.contains("Time        2027-01-15 08:00:00"))
        #expect(lines.contains("Principal   bob  (IAMUser)"))
        #expect(lines.contains("Log record  #82, hash 3658daf0470585a9…"))
        #expect(lines.last == "j/k scroll · any other key closes")
    }

    @Test func oddFieldTypesAreLeftOutNotFatal() throws {
        let record = #"{"seq":1e300,"hash":5,"userIdentity":"x","requestParameters":[1,2],"resources":{"a":1},"errorMessage":null}"#
        let json = #"{"EventId":"e-2","EventName":"X","CloudTrailEvent":"#
            + String(decoding: try JSONSerialization.data(withJSONObject: record, options: .fragmentsAllowed), as: UTF8.self) + "}"
        let event = try JSONDecoder().decode(CloudTrailClient.Event.self, from: Data(json.utf8))
        let d = try #require(AuditRow(event).detail)
        #expect(d.sequence == nil && d.hash == "" && d.request.isEmpty && d.resources.isEmpty && d.errorMessage == "")
    }
}

