import Foundation

/// Session state as SSM reports it (`Session.Status`).
public enum SessionStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case connected = "Connected"
    case connecting = "Connecting"
    case disconnected = "Disconnected"
    case terminated = "Terminated"
    case terminating = "Terminating"
    case failed = "Failed"
    case unknown = "Unknown"

    public init(ssm: String) { self = SessionStatus(rawValue: ssm) ?? .unknown }

    /// Whether the session still holds a shell (shown in the active list, can be terminated).
    public var isActive: Bool { self == .connected || self == .connecting || self == .disconnected }
}

/// One session in the Sessions view.
public struct SessionRow: Sendable, Hashable, Codable, Identifiable {
    public var id: String
    public var owner: String
    public var target: String
    public var status: SessionStatus
    public var started: Date?
    public var ended: Date?
    public var reason: String
    public var lastActivity: Date?
    /// Why an ended session ended (DescribeSessions' Details), when the service says.
    public var details: String?

    public init(id: String, owner: String, target: String, status: SessionStatus, started: Date? = nil,
                ended: Date? = nil, reason: String = "", lastActivity: Date? = nil, details: String? = nil) {
        self.id = id
        self.owner = owner
        self.target = target
        self.status = status
        self.started = started
        self.ended = ended
        self.reason = reason
        self.lastActivity = lastActivity
        self.details = details
    }
}
