import Foundation

// Shapes of the SSM JSON 1.1 API (`AmazonSSM.*`), field names as on the wire. Timestamps are epoch seconds.

/// A `Filters` entry of DescribeInstanceInformation: `{"Key":"PingStatus","Values":["Online"]}` or `tag:<k>`.
public struct InstanceInformationStringFilter: Codable, Sendable, Equatable {
    public var Key: String
    public var Values: [String]
    public init(key: String, values: [String]) { Key = key; Values = values }
}

public struct InstanceTag: Codable, Sendable, Equatable {
    public var Key: String
    public var Value: String
}

/// One managed instance as DescribeInstanceInformation returns it. Unknown members are ignored;
/// every member is optional because real services omit many.
public struct InstanceInformation: Codable, Sendable, Equatable {
    public var InstanceId: String
    public var PingStatus: String?
    public var LastPingDateTime: Date?
    public var AgentVersion: String?
    public var IsLatestVersion: Bool?
    public var PlatformType: String?
    public var PlatformName: String?
    public var PlatformVersion: String?
    public var ResourceType: String?
    public var IPAddress: String?
    public var ComputerName: String?
    public var Name: String?
    public var RegistrationDate: Date?
    public var SourceId: String?
    public var SourceType: String?
    /// Gangway extension (agent labels); absent on AWS.
    public var Tags: [InstanceTag]?

    public init(InstanceId: String, PingStatus: String? = nil, LastPingDateTime: Date? = nil, AgentVersion: String? = nil,
                PlatformType: String? = nil, PlatformName: String? = nil, IPAddress: String? = nil,
                ComputerName: String? = nil, Name: String? = nil, Tags: [InstanceTag]? = nil) {
        self.InstanceId = InstanceId
        self.PingStatus = PingStatus
        self.LastPingDateTime = LastPingDateTime
        self.AgentVersion = AgentVersion
        self.PlatformType = PlatformType
        self.PlatformName = PlatformName
        self.IPAddress = IPAddress
        self.ComputerName = ComputerName
        self.Name = Name
        self.Tags = Tags
    }

    /// The best human name: Name, else ComputerName, else "".
    public var displayName: String {
        if let n = Name, !n.isEmpty { return n }
        return ComputerName ?? ""
    }

    public var tagMap: [String: String] {
        var m: [String: String] = [:]
        for t in Tags ?? [] { m[t.Key] = t.Value }
        return m
    }
}

struct DescribeInstanceInformationInput: Encodable {
    var Filters: [InstanceInformationStringFilter]?
    var MaxResults: Int?
    var NextToken: String?
}

struct DescribeInstanceInformationOutput: Decodable {
    var InstanceInformationList: [InstanceInformation]?
    var NextToken: String?
}

/// A DescribeSessions filter: `{"key":"Target","value":"i-…"}` (lower-case member names on the wire).
public struct SessionFilter: Codable, Sendable, Equatable {
    public var key: String
    public var value: String
    public init(key: String, value: String) { self.key = key; self.value = value }
}

public struct SSMSession: Codable, Sendable, Equatable {
    public var SessionId: String
    public var Target: String?
    public var Status: String?
    public var StartDate: Date?
    public var EndDate: Date?
    public var DocumentName: String?
    public var Owner: String?
    public var Reason: String?
    public var Details: String?
    public var MaxSessionDuration: String?

    public init(SessionId: String, Target: String? = nil, Status: String? = nil, StartDate: Date? = nil,
                EndDate: Date? = nil, Owner: String? = nil, Reason: String? = nil) {
        self.SessionId = SessionId
        self.Target = Target
        self.Status = Status
        self.StartDate = StartDate
        self.EndDate = EndDate
        self.Owner = Owner
        self.Reason = Reason
    }
}

struct DescribeSessionsInput: Encodable {
    var State: String
    var MaxResults: Int?
    var NextToken: String?
    var Filters: [SessionFilter]?
}

struct DescribeSessionsOutput: Decodable {
    var Sessions: [SSMSession]?
    var NextToken: String?
}

struct StartSessionInput: Encodable {
    var Target: String
    var DocumentName: String?
    var Parameters: [String: [String]]?
    var Reason: String?
}

/// What StartSession and ResumeSession return: where and with what token to open the data channel.
public struct SessionStreamInfo: Codable, Sendable, Equatable {
    public var SessionId: String
    public var TokenValue: String?
    public var StreamUrl: String?
    public init(SessionId: String, TokenValue: String?, StreamUrl: String?) {
        self.SessionId = SessionId
        self.TokenValue = TokenValue
        self.StreamUrl = StreamUrl
    }
}

struct SessionIdInput: Encodable { var SessionId: String }
struct InstanceIdInput: Encodable { var InstanceId: String }
struct EmptyOutput: Decodable {}
struct SessionIdOutput: Decodable { var SessionId: String? }

struct TargetInput: Encodable { var Target: String }

/// GetConnectionStatus: `Connected` or `NotConnected`.
public struct ConnectionStatus: Codable, Sendable, Equatable {
    public var Target: String?
    public var Status: String?
}
