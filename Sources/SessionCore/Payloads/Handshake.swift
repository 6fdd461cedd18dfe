/// Handshake payloads (docs/PROTOCOL.md §Handshake). The agent sends HandshakeRequest (PayloadType 5), the client
/// answers HandshakeResponse (6), the agent ends with HandshakeComplete (7). Byte fields are base64 strings.
public struct HandshakeRequest: Codable, Sendable, Equatable {
    public var agentVersion: String
    public var requestedClientActions: [RequestedClientAction]

    enum CodingKeys: String, CodingKey {
        case agentVersion = "AgentVersion", requestedClientActions = "RequestedClientActions"
    }

    /// Real plugins need a 4-part numeric AgentVersion (e.g. "3.3.0.0") or they fall back to legacy paths.
    public init(agentVersion: String, requestedClientActions: [RequestedClientAction]) {
        self.agentVersion = agentVersion
        self.requestedClientActions = requestedClientActions
    }
}

public struct RequestedClientAction: Codable, Sendable, Equatable {
    /// `SessionType` or `KMSEncryption`.
    public var actionType: String
    /// SessionType: `{"SessionType":"Port"|"Standard_Stream"|…,"Properties":{…}}`;
    /// KMSEncryption: `{"KMSKeyId":"…","Challenge":"<base64>"}`.
    public var actionParameters: JSONValue

    enum CodingKeys: String, CodingKey { case actionType = "ActionType", actionParameters = "ActionParameters" }

    public init(actionType: String, actionParameters: JSONValue) {
        self.actionType = actionType
        self.actionParameters = actionParameters
    }

    public static func sessionType(_ type: String, properties: JSONValue = .object([:])) -> RequestedClientAction {
        RequestedClientAction(actionType: "SessionType",
                              actionParameters: .object(["SessionType": .string(type), "Properties": properties]))
    }

    public static func kmsEncryption(keyId: String, challengeBase64: String) -> RequestedClientAction {
        RequestedClientAction(actionType: "KMSEncryption",
                              actionParameters: .object(["KMSKeyId": .string(keyId), "Challenge": .string(challengeBase64)]))
    }

    /// The session type named by a SessionType action.
    public var sessionType: String? { actionParameters["SessionType"]?.stringValue }
}

public struct HandshakeResponse: Codable, Sendable, Equatable {
    public var clientVersion: String
    public var processedClientActions: [ProcessedClientAction]
    /// Encoded as `null` when nil, as Go does.
    public var errors: [String]?

    enum CodingKeys: String, CodingKey {
        case clientVersion = "ClientVersion", processedClientActions = "ProcessedClientActions", errors = "Errors"
    }

    public init(clientVersion: String, processedClientActions: [ProcessedClientAction], errors: [String]? = nil) {
        self.clientVersion = clientVersion
        self.processedClientActions = processedClientActions
        self.errors = errors
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(clientVersion, forKey: .clientVersion)
        try c.encode(processedClientActions, forKey: .processedClientActions)
        if let errors { try c.encode(errors, forKey: .errors) } else { try c.encodeNil(forKey: .errors) }
    }
}

public struct ProcessedClientAction: Codable, Sendable, Equatable {
    public static let success = 1, failed = 2, unsupported = 3

    public var actionType: String
    /// 1 Success, 2 Failed, 3 Unsupported.
    public var actionStatus: Int
    public var actionResult: JSONValue
    public var error: String

    enum CodingKeys: String, CodingKey {
        case actionType = "ActionType", actionStatus = "ActionStatus", actionResult = "ActionResult", error = "Error"
    }

    public init(actionType: String, actionStatus: Int, actionResult: JSONValue = .null, error: String = "") {
        self.actionType = actionType
        self.actionStatus = actionStatus
        self.actionResult = actionResult
        self.error = error
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        actionType = try c.decode(String.self, forKey: .actionType)
        actionStatus = try c.decodeIfPresent(Int.self, forKey: .actionStatus) ?? 0
        actionResult = try c.decodeIfPresent(JSONValue.self, forKey: .actionResult) ?? .null
        error = try c.decodeIfPresent(String.self, forKey: .error) ?? ""
    }
}

public struct HandshakeComplete: Codable, Sendable, Equatable {
    /// Nanoseconds (Go time.Duration).
    public var handshakeTimeToComplete: Int64
    public var customerMessage: String

    enum CodingKeys: String, CodingKey {
        case handshakeTimeToComplete = "HandshakeTimeToComplete", customerMessage = "CustomerMessage"
    }

    public init(handshakeTimeToComplete: Int64, customerMessage: String = "") {
        self.handshakeTimeToComplete = handshakeTimeToComplete
        self.customerMessage = customerMessage
    }
}

/// EncChallengeRequest (8) and EncChallengeResponse (9) payload.
public struct EncChallenge: Codable, Sendable, Equatable {
    /// Base64 of the (encrypted) challenge bytes.
    public var challenge: String

    enum CodingKeys: String, CodingKey { case challenge = "Challenge" }

    public init(challenge: String) { self.challenge = challenge }
}
