import Foundation

/// An operator account.
public struct UserRecord: Sendable, Equatable, Codable {
    public var name: String
    public var createdAt: Date
    public init(name: String, createdAt: Date) {
        self.name = name
        self.createdAt = createdAt
    }
}

/// Who an access key belongs to.
public enum PrincipalKind: String, Sendable, Codable {
    case user
    case agent
}

/// A SigV4 access key. The secret is stored because SigV4 verification needs it (HMAC), like AWS does.
public struct AccessKeyRecord: Sendable, Equatable, Codable {
    public var accessKeyId: String
    public var secretAccessKey: String
    /// User name, or the agent's instance id.
    public var principal: String
    public var kind: PrincipalKind
    public var createdAt: Date
    public var active: Bool

    public init(accessKeyId: String, secretAccessKey: String, principal: String, kind: PrincipalKind,
                createdAt: Date, active: Bool = true) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.principal = principal
        self.kind = kind
        self.createdAt = createdAt
        self.active = active
    }
}

/// An agent registration token (`gwreg-…`). Only its SHA-256 is stored.
public struct RegistrationTokenRecord: Sendable, Equatable, Codable {
    public var tokenHash: String
    public var usesLeft: Int
    public var expiresAt: Date
    public var createdAt: Date
    public init(tokenHash: String, usesLeft: Int, expiresAt: Date, createdAt: Date) {
        self.tokenHash = tokenHash
        self.usesLeft = usesLeft
        self.expiresAt = expiresAt
        self.createdAt = createdAt
    }
}

/// A registered managed instance and what it last reported. PingStatus is not stored: it is derived from the
/// live control channel (see `AgentRegistry`).
public struct AgentRecord: Sendable, Equatable, Codable {
    public var instanceId: String
    public var computerName: String
    public var platformType: String
    public var platformName: String
    public var platformVersion: String
    public var ipAddress: String
    public var agentVersion: String
    public var labels: [String: String]
    public var registeredAt: Date
    public var lastPingAt: Date?

    public init(instanceId: String, computerName: String = "", platformType: String = "Linux", platformName: String = "",
                platformVersion: String = "", ipAddress: String = "", agentVersion: String = "",
                labels: [String: String] = [:], registeredAt: Date, lastPingAt: Date? = nil) {
        self.instanceId = instanceId
        self.computerName = computerName
        self.platformType = platformType
        self.platformName = platformName
        self.platformVersion = platformVersion
        self.ipAddress = ipAddress
        self.agentVersion = agentVersion
        self.labels = labels
        self.registeredAt = registeredAt
        self.lastPingAt = lastPingAt
    }
}

/// Session states as DescribeSessions reports them.
public enum SessionStatus: String, Sendable, Codable, CaseIterable {
    case connecting = "Connecting"
    case connected = "Connected"
    case disconnected = "Disconnected"
    case terminating = "Terminating"
    case terminated = "Terminated"
    case failed = "Failed"

    /// Active sessions (DescribeSessions State=Active) are the ones not finished.
    public var isActive: Bool { self != .terminated && self != .failed }
}

public struct SessionRecord: Sendable, Equatable, Codable {
    public var sessionId: String
    public var target: String
    public var owner: String
    public var status: SessionStatus
    public var documentName: String
    public var reason: String?
    public var details: String?
    public var startDate: Date
    public var endDate: Date?
    /// Minutes, as configured when the session started ("" when none).
    public var maxSessionDuration: String

    public init(sessionId: String, target: String, owner: String, status: SessionStatus, documentName: String,
                reason: String? = nil, details: String? = nil, startDate: Date, endDate: Date? = nil,
                maxSessionDuration: String = "") {
        self.sessionId = sessionId
        self.target = target
        self.owner = owner
        self.status = status
        self.documentName = documentName
        self.reason = reason
        self.details = details
        self.startDate = startDate
        self.endDate = endDate
        self.maxSessionDuration = maxSessionDuration
    }
}
