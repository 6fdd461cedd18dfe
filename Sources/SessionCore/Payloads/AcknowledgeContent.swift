#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Payload of an `acknowledge` message. Selective: it names exactly one stream message.
public struct AcknowledgeContent: Codable, Sendable, Equatable {
    public var acknowledgedMessageType: String
    /// Canonical hyphenated UUID of the acked message.
    public var acknowledgedMessageId: String
    public var acknowledgedMessageSequenceNumber: Int64
    public var isSequentialMessage: Bool

    enum CodingKeys: String, CodingKey {
        case acknowledgedMessageType = "AcknowledgedMessageType"
        case acknowledgedMessageId = "AcknowledgedMessageId"
        case acknowledgedMessageSequenceNumber = "AcknowledgedMessageSequenceNumber"
        case isSequentialMessage = "IsSequentialMessage"
    }

    public init(acknowledgedMessageType: String, acknowledgedMessageId: String,
                acknowledgedMessageSequenceNumber: Int64, isSequentialMessage: Bool = true) {
        self.acknowledgedMessageType = acknowledgedMessageType
        self.acknowledgedMessageId = acknowledgedMessageId
        self.acknowledgedMessageSequenceNumber = acknowledgedMessageSequenceNumber
        self.isSequentialMessage = isSequentialMessage
    }

    public init(acknowledging message: ClientMessage) {
        self.init(acknowledgedMessageType: message.messageType.rawValue,
                  acknowledgedMessageId: MessageID.lowercasedText(message.messageId),
                  acknowledgedMessageSequenceNumber: message.sequenceNumber)
    }

    /// `AcknowledgeContent(acknowledging: message).jsonBytes()`, with the message id written straight into the JSON
    /// (no String for it: this runs for every message received).
    public static func jsonBytes(acknowledging message: ClientMessage) -> [UInt8] {
        json(type: message.messageType.rawValue, sequenceNumber: message.sequenceNumber, isSequential: true) { out in
            out.append(0x22)
            MessageID.appendLowercasedText(message.messageId, to: &out)
            out.append(0x22)
        }
    }

    /// Compact JSON in the reference's field order, without going through JSONEncoder (acks are per message, so
    /// this sits on the hot path).
    public func jsonBytes() -> [UInt8] {
        Self.json(type: acknowledgedMessageType, sequenceNumber: acknowledgedMessageSequenceNumber,
                  isSequential: isSequentialMessage) { Self.appendQuoted(acknowledgedMessageId, to: &$0) }
    }

    /// The ack JSON, with the id's quoted JSON string written by `appendId`.
    private static func json(type: String, sequenceNumber: Int64, isSequential: Bool,
                             appendId: (inout [UInt8]) -> Void) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(224)  // ~180 bytes with a UUID and a large sequence number: one allocation, no regrowth
        func append(_ literal: StaticString) {
            literal.withUTF8Buffer { out.append(contentsOf: $0) }
        }
        append("{\"AcknowledgedMessageType\":")
        appendQuoted(type, to: &out)
        append(",\"AcknowledgedMessageId\":")
        appendId(&out)
        append(",\"AcknowledgedMessageSequenceNumber\":")
        out.append(contentsOf: String(sequenceNumber).utf8)
        append(isSequential ? ",\"IsSequentialMessage\":true}" : ",\"IsSequentialMessage\":false}")
        return out
    }

    /// Parses an ack payload: a fast path for the exact shape `jsonBytes()` and Go produce, JSONDecoder otherwise.
    public static func parse(_ bytes: [UInt8]) -> AcknowledgeContent? {
        if let fast = AckFastParser.parse(bytes) { return fast }
        return try? PayloadJSON.decode(AcknowledgeContent.self, from: bytes)
    }

    /// What an acknowledgement names, as the data path needs it: the acknowledged message's type (nil: a type this
    /// build does not know) and sequence number.
    public struct Reference: Sendable, Equatable {
        public var messageType: MessageType?
        public var sequenceNumber: Int64

        public init(messageType: MessageType?, sequenceNumber: Int64) {
            self.messageType = messageType
            self.sequenceNumber = sequenceNumber
        }
    }

    /// `parse`, for the per-message path: the exact shape is read in place, without making the type and id Strings
    /// (two allocations per acknowledgement); anything else goes through `parse`.
    public static func reference(in bytes: [UInt8]) -> Reference? {
        if let f = AckFastParser.scan(bytes) {
            let type = bytes.withUnsafeBytes { MessageType.known(UnsafeRawBufferPointer(rebasing: $0[f.type])) }
            return Reference(messageType: type, sequenceNumber: f.sequenceNumber)
        }
        guard let content = parse(bytes) else { return nil }
        var name = content.acknowledgedMessageType
        return Reference(messageType: name.withUTF8 { MessageType.known(UnsafeRawBufferPointer($0)) },
                         sequenceNumber: content.acknowledgedMessageSequenceNumber)
    }

    /// Appends `text` as a JSON string: as it is between quotes when it needs no escaping (type names and UUIDs
    /// never do), through the encoder otherwise.
    static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C && $0 < 0x7F }) {
            out.append(0x22)
            out.append(contentsOf: text.utf8)
            out.append(0x22)
        } else if let data = try? JSONEncoder().encode(text) {
            out.append(contentsOf: data)
        } else {
            out.append(contentsOf: [0x22, 0x22])
        }
    }
}

/// Hand parser for `{"AcknowledgedMessageType":"…","AcknowledgedMessageId":"…","AcknowledgedMessageSequenceNumber":N,"IsSequentialMessage":true}`
/// with fields in that order and no whitespace. Returns nil (caller falls back) on anything else.
enum AckFastParser {
    /// Where the fields are in an ack payload of the exact shape; no Strings are made.
    struct Fields {
        var type: Range<Int>
        var id: Range<Int>
        var sequenceNumber: Int64
        var isSequential: Bool
    }

    static func parse(_ b: [UInt8]) -> AcknowledgeContent? {
        guard let f = scan(b) else { return nil }
        return AcknowledgeContent(acknowledgedMessageType: String(decoding: b[f.type], as: UTF8.self),
                                  acknowledgedMessageId: String(decoding: b[f.id], as: UTF8.self),
                                  acknowledgedMessageSequenceNumber: f.sequenceNumber,
                                  isSequentialMessage: f.isSequential)
    }

    static func scan(_ b: [UInt8]) -> Fields? {
        var i = 0
        func expect(_ literal: StaticString) -> Bool {
            let n = literal.utf8CodeUnitCount
            guard b.count - i >= n else { return false }
            let ok = literal.withUTF8Buffer { lit in
                for k in 0..<n where b[i + k] != lit[k] { return false }
                return true
            }
            if ok { i += n }
            return ok
        }
        func plainString() -> Range<Int>? {
            let start = i
            while i < b.count, b[i] != 0x22 {
                if b[i] == 0x5C || b[i] < 0x20 { return nil }
                i += 1
            }
            guard i < b.count else { return nil }
            defer { i += 1 }
            return start..<i
        }
        guard expect("{\"AcknowledgedMessageType\":\""), let type = plainString(),
              expect(",\"AcknowledgedMessageId\":\""), let id = plainString(),
              expect(",\"AcknowledgedMessageSequenceNumber\":") else { return nil }
        var negative = false
        if i < b.count, b[i] == 0x2D { negative = true; i += 1 }
        var value: Int64 = 0
        var digits = 0
        while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(b[i] - 0x30))
            guard !o1, !o2 else { return nil }
            value = a
            digits += 1
            i += 1
        }
        guard digits > 0 else { return nil }
        let sequential: Bool
        if expect(",\"IsSequentialMessage\":true}") { sequential = true }
        else if expect(",\"IsSequentialMessage\":false}") { sequential = false }
        else { return nil }
        guard i == b.count else { return nil }
        return Fields(type: type, id: id, sequenceNumber: negative ? -value : value, isSequential: sequential)
    }
}
