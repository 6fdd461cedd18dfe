/// The first (text) WebSocket frame on a data channel. Clients set `clientVersion`; agents set `clientInstanceId`.
/// Nil fields are omitted from the JSON.
public struct OpenDataChannelInput: Codable, Sendable, Equatable {
    public var messageSchemaVersion: String
    public var requestId: String
    public var tokenValue: String
    public var clientId: String
    public var clientVersion: String?
    public var clientInstanceId: String?

    enum CodingKeys: String, CodingKey {
        case messageSchemaVersion = "MessageSchemaVersion", requestId = "RequestId", tokenValue = "TokenValue"
        case clientId = "ClientId", clientVersion = "ClientVersion", clientInstanceId = "ClientInstanceId"
    }

    public init(messageSchemaVersion: String = "1.0", requestId: String, tokenValue: String, clientId: String,
                clientVersion: String? = nil, clientInstanceId: String? = nil) {
        self.messageSchemaVersion = messageSchemaVersion
        self.requestId = requestId
        self.tokenValue = tokenValue
        self.clientId = clientId
        self.clientVersion = clientVersion
        self.clientInstanceId = clientInstanceId
    }

    /// The client's frame. Report a version above 1.2.331.0 to real agents (their smux keepalive otherwise kills
    /// idle port sessions).
    public static func client(requestId: String, tokenValue: String, clientId: String,
                              clientVersion: String = "1.2.650.0") -> OpenDataChannelInput {
        OpenDataChannelInput(requestId: requestId, tokenValue: tokenValue, clientId: clientId, clientVersion: clientVersion)
    }

    /// The agent's frame.
    public static func agent(requestId: String, tokenValue: String, clientId: String,
                             instanceId: String) -> OpenDataChannelInput {
        OpenDataChannelInput(requestId: requestId, tokenValue: tokenValue, clientId: clientId, clientInstanceId: instanceId)
    }

    /// The text of the frame.
    public func jsonText() throws -> String { String(decoding: try PayloadJSON.encode(self), as: UTF8.self) }
}
