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
    /// The rest of the record, for the event details box (`i`/Enter in the Audit view); nil when the source gave
    /// only the columns.
    public var detail: AuditDetail?

    public init(id: String, time: Date, principal: String, event: String, target: String = "",
                sourceIP: String = "", result: String = "success", sessionId: String? = nil, detail: AuditDetail? = nil) {
        self.id = id
        self.time = time
        self.principal = principal
        self.event = event
        self.target = target
        self.sourceIP = sourceIP
        self.result = result
        self.sessionId = sessionId
        self.detail = detail
    }

    /// Whether the event failed (anything but `success`/empty).
    public var isFailure: Bool { !(result.isEmpty || result == "success") }
}

/// What an audit record holds beyond the Audit view's columns (CloudTrail record fields).
public struct AuditDetail: Sendable, Hashable, Codable {
    /// `userIdentity.type` (IAMUser, AssumedRole, …) and `accessKeyId`.
    public var identityType = ""
    public var accessKeyId = ""
    public var eventSource = ""
    public var region = ""
    public var userAgent = ""
    /// Why it failed (`errorMessage`), e.g. the policy decision behind an AccessDenied.
    public var errorMessage = ""
    /// `requestParameters` flattened to one `key=value` per member, sorted (nested values as compact JSON).
    public var request: [String] = []
    /// `resources` as `TYPE NAME`.
    public var resources: [String] = []
    /// The record's place in the tamper-evident log (`seq`, `hash`), when the service gives it (gangwayd does).
    public var sequence: Int?
    public var hash = ""

    public init() {}
}

