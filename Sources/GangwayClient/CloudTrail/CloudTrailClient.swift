import AWSCore
import Foundation

/// CloudTrail `LookupEvents` (AWS, or gangwayd's compatible audit API).
public struct CloudTrailClient: Sendable {
    public var json: AWSJSONClient

    public init(settings: AWSClientSettings, http: HTTPClient = HTTPClient()) {
        json = AWSJSONClient(settings: settings, signingName: "cloudtrail",
                             targetPrefix: "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101", http: http)
    }

    public struct LookupAttribute: Codable, Sendable, Equatable {
        /// EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId.
        public var AttributeKey: String
        public var AttributeValue: String
        public init(key: String, value: String) { AttributeKey = key; AttributeValue = value }
    }

    public struct Resource: Codable, Sendable, Equatable {
        public var ResourceType: String?
        public var ResourceName: String?
    }

    public struct Event: Codable, Sendable, Equatable {
        public var EventId: String
        public var EventName: String?
        public var ReadOnly: String?
        public var AccessKeyId: String?
        public var EventTime: Date?
        public var EventSource: String?
        public var Username: String?
        public var Resources: [Resource]?
        /// The full event record as a JSON string (sourceIPAddress, errorCode, …).
        public var CloudTrailEvent: String?
    }

    struct Input: Encodable {
        var LookupAttributes: [LookupAttribute]?
        var StartTime: Date?
        var EndTime: Date?
        var MaxResults: Int?
        var NextToken: String?
    }

    struct Output: Decodable {
        var Events: [Event]?
        var NextToken: String?
    }

    /// One page of events, newest first.
    public func lookupEvents(attributes: [LookupAttribute] = [], startTime: Date? = nil, endTime: Date? = nil,
                             maxResults: Int? = 50, nextToken: String? = nil) async throws -> (events: [Event], nextToken: String?) {
        let out: Output = try await json.call("LookupEvents", Input(LookupAttributes: attributes.isEmpty ? nil : attributes,
                                                                   StartTime: startTime, EndTime: endTime,
                                                                   MaxResults: maxResults, NextToken: nextToken))
        return (out.Events ?? [], out.NextToken.flatMap { $0.isEmpty ? nil : $0 })
    }
}
