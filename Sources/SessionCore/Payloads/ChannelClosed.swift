/// Payload of `channel_closed`: the service (gangwayd) ends a session. The plugin prints `Output` if non-empty.
public struct ChannelClosed: Codable, Sendable, Equatable {
    public var messageId: String
    /// A string in the reference (epoch milliseconds or RFC 3339; receivers must not parse it).
    public var createdDate: String
    public var destinationId: String
    public var sessionId: String
    public var messageType: String
    public var schemaVersion: Int
    public var output: String

    enum CodingKeys: String, CodingKey {
        case messageId = "MessageId", createdDate = "CreatedDate", destinationId = "DestinationId"
        case sessionId = "SessionId", messageType = "MessageType", schemaVersion = "SchemaVersion", output = "Output"
    }

    public init(messageId: String, createdDate: String, destinationId: String, sessionId: String,
                output: String = "", messageType: String = "channel_closed", schemaVersion: Int = 1) {
        self.messageId = messageId
        self.createdDate = createdDate
        self.destinationId = destinationId
        self.sessionId = sessionId
        self.messageType = messageType
        self.schemaVersion = schemaVersion
        self.output = output
    }

    /// Lenient: every field may be missing (real senders differ); missing strings become "".
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        messageId = try c.decodeIfPresent(String.self, forKey: .messageId) ?? ""
        createdDate = try c.decodeIfPresent(String.self, forKey: .createdDate) ?? ""
        destinationId = try c.decodeIfPresent(String.self, forKey: .destinationId) ?? ""
        sessionId = try c.decodeIfPresent(String.self, forKey: .sessionId) ?? ""
        messageType = try c.decodeIfPresent(String.self, forKey: .messageType) ?? "channel_closed"
        schemaVersion = try c.decodeIfPresent(Int.self, forKey: .schemaVersion) ?? 1
        output = try c.decodeIfPresent(String.self, forKey: .output) ?? ""
    }
}
