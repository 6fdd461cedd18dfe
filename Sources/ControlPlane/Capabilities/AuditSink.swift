import Foundation

/// Where gangwayd writes one audit event per API call, denial and session lifecycle step.
///
/// `record` must return only once the event is durable: gangwayd acknowledges the action to the caller after it.
/// An implementation that throws makes the API call fail with `InternalServerError` (an action that cannot be
/// audited is not performed). The audit helper's `AuditLog` module plugs in here.
public protocol AuditSink: Sendable {
    func record(_ event: AuditEventInput) async throws
}

/// One audit event, CloudTrail-shaped. JSON fields are raw UTF-8 JSON bytes (an object), never secrets.
public struct AuditEventInput: Sendable, Equatable {
    public var eventTime: Date
    /// `ssm.amazonaws.com` for API calls, `ssmmessages.amazonaws.com` for channel events, `gangway` for admin.
    public var eventSource: String
    /// The operation (`StartSession`, `DescribeInstanceInformation`, …) or lifecycle step (`SessionEnded`, `AgentRegistered`).
    public var eventName: String
    /// The caller's user name (`alice`) or agent instance id; nil when authentication failed before a principal was known.
    public var principal: String?
    public var accessKeyId: String?
    public var sourceIPAddress: String?
    public var userAgent: String?
    /// The request parameters as a JSON object (tokens and secrets removed).
    public var requestParameters: Data?
    /// The response as a JSON object (tokens and secrets removed); nil on error.
    public var responseElements: Data?
    /// AWS error code (`AccessDeniedException`, …) when the call failed or was denied.
    public var errorCode: String?
    public var errorMessage: String?
    public var sessionId: String?
    /// The instance the call acted on, if any.
    public var target: String?

    public init(eventTime: Date, eventSource: String, eventName: String, principal: String? = nil,
                accessKeyId: String? = nil, sourceIPAddress: String? = nil, userAgent: String? = nil,
                requestParameters: Data? = nil, responseElements: Data? = nil, errorCode: String? = nil,
                errorMessage: String? = nil, sessionId: String? = nil, target: String? = nil) {
        self.eventTime = eventTime
        self.eventSource = eventSource
        self.eventName = eventName
        self.principal = principal
        self.accessKeyId = accessKeyId
        self.sourceIPAddress = sourceIPAddress
        self.userAgent = userAgent
        self.requestParameters = requestParameters
        self.responseElements = responseElements
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.sessionId = sessionId
        self.target = target
    }
}
