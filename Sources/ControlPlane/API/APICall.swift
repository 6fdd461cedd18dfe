import Foundation

/// Who is calling and from where, once SigV4 verification succeeded.
public struct APICall: Sendable {
    public var principal: String
    public var kind: PrincipalKind
    public var accessKeyId: String
    public var sourceIP: String?
    public var userAgent: String?
    public var region: String
    /// `host[:port]` the client addressed (for StreamUrl).
    public var host: String
    public var now: Date
}

/// What an operation returns: the JSON object, plus what the audit log should know about it.
public struct APIResult: @unchecked Sendable {
    // @unchecked: `body` holds only JSON values built by the operation and never mutated after return.
    public var body: [String: Any]
    public var sessionId: String?
    public var target: String?
    public init(_ body: [String: Any], sessionId: String? = nil, target: String? = nil) {
        self.body = body
        self.sessionId = sessionId
        self.target = target
    }
}

/// One AmazonSSM operation: `AmazonSSM.<name>` dispatches to `run`.
struct APIOperation: Sendable {
    var name: String
    /// Only agents may call it (UpdateInstanceInformation); otherwise only users.
    var agentOnly: Bool = false
    var run: @Sendable (ControlPlaneServices, JSONRequest, APICall) async throws(APIError) -> APIResult
    /// Takes back what `run` did when the call succeeded but could not be recorded in the audit log (the caller is
    /// then told it failed): nothing stays in effect that the log does not hold.
    var unaudited: (@Sendable (ControlPlaneServices, APIResult) async -> Void)? = nil
}

/// The table of operations gangwayd serves. Adding one touches its file plus this table.
enum APIOperations {
    static let all: [String: APIOperation] = Dictionary(uniqueKeysWithValues: [
        APIOperation(name: "DescribeInstanceInformation", run: InstanceOperations.describeInstanceInformation),
        APIOperation(name: "GetConnectionStatus", run: InstanceOperations.getConnectionStatus),
        APIOperation(name: "UpdateInstanceInformation", agentOnly: true, run: InstanceOperations.updateInstanceInformation),
        APIOperation(name: "DeregisterManagedInstance", run: InstanceOperations.deregisterManagedInstance),
        APIOperation(name: "StartSession", run: SessionOperations.startSession,
                     unaudited: SessionOperations.endUnauditedSession),
        APIOperation(name: "ResumeSession", run: SessionOperations.resumeSession),
        APIOperation(name: "TerminateSession", run: SessionOperations.terminateSession),
        APIOperation(name: "DescribeSessions", run: SessionOperations.describeSessions),
        APIOperation(name: "GetSessionRecording", run: RecordingOperations.getSessionRecording),
    ].map { ($0.name, $0) })
}

extension ControlPlaneServices {
    /// Asks the authorizer; a denial becomes AccessDeniedException naming principal, action and resource.
    func authorize(_ call: APICall, action: String, resource: String,
                   tags: [String: String] = [:]) async throws(APIError) {
        let decision = await authorizer.authorize(AuthorizationRequest(
            principal: call.principal, action: action, resource: resource, resourceTags: tags,
            sourceIP: call.sourceIP, time: call.now))
        guard decision.allowed else {
            throw APIError.accessDenied("User: \(call.principal) is not authorized to perform: \(action) on resource: \(resource) (\(decision.reason))")
        }
    }
}
