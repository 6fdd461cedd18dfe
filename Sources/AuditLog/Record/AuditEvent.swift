import Foundation

/// One auditable action, shaped like a CloudTrail record. The log adds the chain fields (`seq`, `prevHash`, `hash`)
/// and the record type when it appends it; see `AuditRecordEncoder` for the exact line layout.
public struct AuditEvent: Sendable, Equatable {
    public struct UserIdentity: Sendable, Equatable {
        /// `IAMUser`, `AssumedRole`, `GangwayAgent`, `Unknown` (authentication failed before a principal was known).
        public var type: String
        public var principalId: String?
        public var arn: String?
        public var accountId: String?
        public var accessKeyId: String?
        public var userName: String?

        public init(type: String, principalId: String? = nil, arn: String? = nil, accountId: String? = nil,
                    accessKeyId: String? = nil, userName: String? = nil) {
            self.type = type
            self.principalId = principalId
            self.arn = arn
            self.accountId = accountId
            self.accessKeyId = accessKeyId
            self.userName = userName
        }
    }

    /// A resource the event touched, e.g. (`AWS::SSM::ManagedInstance`, `mi-0123…`) or (`AWS::SSM::Session`, `alice-…`).
    public struct Resource: Sendable, Equatable {
        public var type: String
        public var name: String
        public init(type: String, name: String) {
            self.type = type
            self.name = name
        }
    }

    public static let sessionResourceType = "AWS::SSM::Session"
    public static let instanceResourceType = "AWS::SSM::ManagedInstance"

    public var eventVersion: String
    public var eventTime: Date
    public var eventSource: String
    public var eventName: String
    public var awsRegion: String
    public var sourceIPAddress: String?
    public var userAgent: String?
    public var userIdentity: UserIdentity
    public var requestParameters: AuditJSON?
    public var responseElements: AuditJSON?
    public var errorCode: String?
    public var errorMessage: String?
    /// Lowercase UUID text; unique per event.
    public var eventID: String
    /// `AwsApiCall` for API calls, `AwsServiceEvent` for lifecycle steps gangwayd observes itself.
    public var eventType: String
    public var readOnly: Bool
    public var resources: [Resource]

    public init(eventTime: Date, eventSource: String, eventName: String, awsRegion: String = "us-east-1",
                sourceIPAddress: String? = nil, userAgent: String? = nil,
                userIdentity: UserIdentity = UserIdentity(type: "Unknown"),
                requestParameters: AuditJSON? = nil, responseElements: AuditJSON? = nil,
                errorCode: String? = nil, errorMessage: String? = nil,
                eventID: String = UUID().uuidString.lowercased(), eventType: String = "AwsApiCall",
                readOnly: Bool? = nil, resources: [Resource] = [], eventVersion: String = "1.08") {
        self.eventVersion = eventVersion
        self.eventTime = eventTime
        self.eventSource = eventSource
        self.eventName = eventName
        self.awsRegion = awsRegion
        self.sourceIPAddress = sourceIPAddress
        self.userAgent = userAgent
        self.userIdentity = userIdentity
        self.requestParameters = requestParameters
        self.responseElements = responseElements
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.eventID = eventID
        self.eventType = eventType
        self.readOnly = readOnly ?? Self.isReadOnly(eventName)
        self.resources = resources
    }

    /// CloudTrail's rule of thumb: Describe/Get/List/Lookup calls only read.
    public static func isReadOnly(_ eventName: String) -> Bool {
        ["Describe", "Get", "List", "Lookup"].contains { eventName.hasPrefix($0) }
    }

    /// The CloudTrail body of the record (no chain fields), in a fixed field order.
    public var json: AuditJSON {
        var identity: [(String, AuditJSON)] = [("type", .string(userIdentity.type))]
        if let v = userIdentity.principalId { identity.append(("principalId", .string(v))) }
        if let v = userIdentity.arn { identity.append(("arn", .string(v))) }
        if let v = userIdentity.accountId { identity.append(("accountId", .string(v))) }
        if let v = userIdentity.accessKeyId { identity.append(("accessKeyId", .string(v))) }
        if let v = userIdentity.userName { identity.append(("userName", .string(v))) }
        var m: [(String, AuditJSON)] = [
            ("eventVersion", .string(eventVersion)),
            ("userIdentity", .object(identity)),
            ("eventTime", .string(AuditTime.format(eventTime))),
            ("eventSource", .string(eventSource)),
            ("eventName", .string(eventName)),
            ("awsRegion", .string(awsRegion)),
            ("sourceIPAddress", sourceIPAddress.map(AuditJSON.string) ?? .null),
            ("userAgent", userAgent.map(AuditJSON.string) ?? .null),
        ]
        if let errorCode { m.append(("errorCode", .string(errorCode))) }
        if let errorMessage { m.append(("errorMessage", .string(errorMessage))) }
        m.append(("requestParameters", requestParameters ?? .null))
        m.append(("responseElements", responseElements ?? .null))
        m.append(("eventID", .string(eventID)))
        m.append(("readOnly", .bool(readOnly)))
        m.append(("eventType", .string(eventType)))
        m.append(("resources", .array(resources.map { .object([("type", .string($0.type)), ("name", .string($0.name))]) })))
        return .object(m)
    }

    /// Rebuilds an event from a record's JSON (as written by `json`); nil when required fields are missing.
    public init?(json: AuditJSON) {
        guard let name = json["eventName"]?.stringValue, let source = json["eventSource"]?.stringValue,
              let timeText = json["eventTime"]?.stringValue, let time = AuditTime.parse(timeText) else { return nil }
        let id = json["userIdentity"]
        self.init(eventTime: time, eventSource: source, eventName: name,
                  awsRegion: json["awsRegion"]?.stringValue ?? "",
                  sourceIPAddress: json["sourceIPAddress"]?.stringValue, userAgent: json["userAgent"]?.stringValue,
                  userIdentity: UserIdentity(type: id?["type"]?.stringValue ?? "Unknown",
                                             principalId: id?["principalId"]?.stringValue, arn: id?["arn"]?.stringValue,
                                             accountId: id?["accountId"]?.stringValue,
                                             accessKeyId: id?["accessKeyId"]?.stringValue,
                                             userName: id?["userName"]?.stringValue),
                  requestParameters: json["requestParameters"].flatMap { $0 == .null ? nil : $0 },
                  responseElements: json["responseElements"].flatMap { $0 == .null ? nil : $0 },
                  errorCode: json["errorCode"]?.stringValue, errorMessage: json["errorMessage"]?.stringValue,
                  eventID: json["eventID"]?.stringValue ?? "", eventType: json["eventType"]?.stringValue ?? "",
                  readOnly: json["readOnly"]?.boolValue,
                  resources: (json["resources"]?.arrayValue ?? []).compactMap {
                      guard let t = $0["type"]?.stringValue, let n = $0["name"]?.stringValue else { return nil }
                      return Resource(type: t, name: n)
                  },
                  eventVersion: json["eventVersion"]?.stringValue ?? "")
    }
}
