import Foundation

/// Agent connectivity as SSM reports it (`PingStatus`).
public enum PingStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case online = "Online"
    case connectionLost = "ConnectionLost"
    case inactive = "Inactive"
    case unknown = "Unknown"

    /// Parses SSM's `PingStatus` string; anything unrecognised is `.unknown`.
    public init(ssm: String) { self = PingStatus(rawValue: ssm) ?? .unknown }
}

/// One managed instance (a host or an EKS node) in the Fleet view.
public struct InstanceRow: Sendable, Hashable, Codable, Identifiable {
    public var id: String
    public var name: String
    public var pingStatus: PingStatus
    public var platform: String
    public var agentVersion: String
    public var ip: String
    public var lastSeen: Date?
    /// EKS cluster name when the instance is a Kubernetes node (tag `eks:cluster-name`).
    public var cluster: String?
    /// EKS nodegroup name (tag `eks:nodegroup-name`).
    public var nodegroup: String?
    public var tags: [String: String]
    /// What the Fleet table has no room for, shown by the instance details (`i`): SSM's `PlatformType` (Linux,
    /// Windows, MacOS), `ComputerName`, `RegistrationDate` and `ResourceType` (ManagedInstance, EC2Instance).
    public var platformType: String
    public var computerName: String
    public var registered: Date?
    public var resourceType: String

    public init(id: String, name: String, pingStatus: PingStatus, platform: String = "Linux",
                agentVersion: String = "", ip: String = "", lastSeen: Date? = nil,
                cluster: String? = nil, nodegroup: String? = nil, tags: [String: String] = [:],
                platformType: String = "", computerName: String = "", registered: Date? = nil, resourceType: String = "") {
        self.id = id
        self.name = name
        self.pingStatus = pingStatus
        self.platform = platform
        self.agentVersion = agentVersion
        self.ip = ip
        self.lastSeen = lastSeen
        self.cluster = cluster
        self.nodegroup = nodegroup
        self.tags = tags
        self.platformType = platformType
        self.computerName = computerName
        self.registered = registered
        self.resourceType = resourceType
    }
}
