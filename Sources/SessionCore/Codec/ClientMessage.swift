#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One binary frame of the data or control channel (the reference's ClientMessage / AgentMessage).
/// Byte layout: docs/PROTOCOL.md §Frame; codec: ClientMessage+Codec.swift.
public struct ClientMessage: Sendable, Equatable {
    public var messageType: MessageType
    /// Always 1 on the wire today.
    public var schemaVersion: UInt32
    /// Unix epoch milliseconds.
    public var createdDate: UInt64
    /// Stream messages count from 0 per direction; everything else carries 0.
    public var sequenceNumber: Int64
    /// Bit 0 SYN, bit 1 FIN. Acks and agent_session_state carry 3; the agent's first stream message 1.
    public var flags: UInt64
    public var messageId: UUID
    public var payloadType: PayloadType
    public var payload: [UInt8]

    public init(messageType: MessageType, schemaVersion: UInt32 = 1, createdDate: UInt64, sequenceNumber: Int64 = 0,
                flags: UInt64 = 0, messageId: UUID = MessageID.random(), payloadType: PayloadType = .untyped, payload: [UInt8]) {
        self.messageType = messageType
        self.schemaVersion = schemaVersion
        self.createdDate = createdDate
        self.sequenceNumber = sequenceNumber
        self.flags = flags
        self.messageId = messageId
        self.payloadType = payloadType
        self.payload = payload
    }

    /// The flags value acknowledge and agent_session_state carry (SYN|FIN).
    public static let controlFlags: UInt64 = 3

    /// The `acknowledge` message for a received stream message: flags 3, seq 0, JSON AcknowledgeContent payload.
    /// - Parameter now: the CreatedDate to stamp, Unix epoch milliseconds.
    public static func acknowledging(_ message: ClientMessage, now: UInt64, messageId: UUID = MessageID.random()) -> ClientMessage {
        ClientMessage(messageType: .acknowledge, createdDate: now, sequenceNumber: 0, flags: controlFlags,
                      messageId: messageId, payloadType: .untyped, payload: AcknowledgeContent.jsonBytes(acknowledging: message))
    }

    /// An unsequenced message carrying JSON (channel_closed, agent_session_state, control-channel messages, …).
    /// - Parameters:
    ///   - flags: nil picks the reference's value: 3 for acknowledge and agent_session_state, otherwise 0.
    ///   - now: the CreatedDate, Unix epoch milliseconds.
    public static func control(type: MessageType, payloadJSON: [UInt8], payloadType: PayloadType = .untyped,
                               flags: UInt64? = nil, now: UInt64, messageId: UUID = MessageID.random()) -> ClientMessage {
        let defaultFlags: UInt64 = (type == .acknowledge || type == .agentSessionState) ? controlFlags : 0
        return ClientMessage(messageType: type, createdDate: now, sequenceNumber: 0, flags: flags ?? defaultFlags,
                             messageId: messageId, payloadType: payloadType, payload: payloadJSON)
    }

    /// `control(type:payloadJSON:…)` with an Encodable payload (the structs in Payloads/).
    public static func control<P: Encodable>(type: MessageType, payload: P, payloadType: PayloadType = .untyped,
                                             flags: UInt64? = nil, now: UInt64,
                                             messageId: UUID = MessageID.random()) throws -> ClientMessage {
        control(type: type, payloadJSON: try PayloadJSON.encode(payload), payloadType: payloadType, flags: flags,
                now: now, messageId: messageId)
    }

    /// Decodes the payload as JSON into one of the payload structs.
    public func decodePayload<P: Decodable>(_ type: P.Type) throws -> P {
        try PayloadJSON.decode(type, from: payload)
    }

    /// The payload as UTF-8 text (invalid sequences replaced).
    public var payloadText: String { String(decoding: payload, as: UTF8.self) }
}
