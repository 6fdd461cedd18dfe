import Foundation

/// One audit event in the Audit view (CloudTrail `LookupEvents` shape, flattened).
public struct AuditRow: Sendable, Hashable, Codable, Identifiable {
    /// Event id (CloudTrail `EventId`); unique, used to de-duplicate in follow mode.
    public var id: String
    public var time: Date
    public var principal: String
    /// Event name, e.g. `StartSession`, `TerminateSession`, `PolicyDenied`.
    public var event: String
    public var target: String
    public var sourceIP: String
    /// `success`, or the error code (`AccessDenied`, …).
    public var result: String
    /// The session the event concerns (CloudTrail resource `AWS::SSM::Session`), when it names one.
    public var sessionId: String?

    public init(id: String, time: Date, principal: String, event: String, target: String = "",
                sourceIP: String = "", result: String = "success", sessionId: String? = nil) {
        self.id = id
        self.time = time
        self.principal = principal
        self.event = event
        self.target = target
        self.sourceIP = sourceIP
        self.result = result
        self.sessionId = sessionId
    }

    /// Whether the event failed (anything but `success`/empty).
    public var isFailure: Bool { !(result.isEmpty || result == "success") }
}
