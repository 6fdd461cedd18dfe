/// Payload of `agent_session_state` (agent → service, unsequenced, flags 3).
public struct AgentSessionState: Codable, Sendable, Equatable {
    public var schemaVersion: Int
    /// `Connected` or `Terminating`.
    public var sessionState: String
    public var sessionId: String

    public static let connected = "Connected"
    public static let terminating = "Terminating"

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "SchemaVersion", sessionState = "SessionState", sessionId = "SessionId"
    }

    public init(sessionState: String, sessionId: String, schemaVersion: Int = 1) {
        self.schemaVersion = schemaVersion
        self.sessionState = sessionState
        self.sessionId = sessionId
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try c.decodeIfPresent(Int.self, forKey: .schemaVersion) ?? 1
        sessionState = try c.decode(String.self, forKey: .sessionState)
        sessionId = try c.decodeIfPresent(String.self, forKey: .sessionId) ?? ""
    }
}
