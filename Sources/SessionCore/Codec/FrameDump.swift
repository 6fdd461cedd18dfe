import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Human-readable view of one frame for `gangway debug decode-frame`: every header field as found, the payload as
/// text when it is valid UTF-8 (else base64), and whether the digest matches. Structurally unparseable input
/// (too short, HeaderLength out of range) throws; everything else is shown, with warnings.
public struct FrameDump: Codable, Sendable, Equatable {
    public var headerLength: UInt32
    public var messageType: String
    public var schemaVersion: UInt32
    public var createdDate: UInt64
    public var sequenceNumber: Int64
    public var flags: UInt64
    public var messageId: String
    public var payloadDigest: String
    public var digestValid: Bool
    public var payloadType: UInt32
    public var payloadTypeName: String
    public var payloadLength: UInt32
    public var actualPayloadLength: Int
    /// `utf8` or `base64`.
    public var payloadEncoding: String
    public var payload: String
    public var warnings: [String]

    public init(frame bytes: [UInt8]) throws(FrameError) {
        let header = try FrameHeader(bytes: bytes)
        let payload = Array(bytes[header.payloadStart...])
        let computed = Array(SHA256.hash(data: payload))
        headerLength = header.headerLength
        messageType = header.messageType.rawValue
        schemaVersion = header.schemaVersion
        createdDate = header.createdDate
        sequenceNumber = header.sequenceNumber
        flags = header.flags
        messageId = MessageID.lowercasedText(header.messageId)
        let declared = Array(bytes[FrameLayout.payloadDigestOffset..<(FrameLayout.payloadDigestOffset + FrameLayout.digestLength)])
        payloadDigest = LowerHex.text(declared)
        digestValid = computed == declared
        payloadType = header.payloadType.rawValue
        payloadTypeName = header.payloadType.name
        payloadLength = header.declaredPayloadLength
        actualPayloadLength = payload.count
        if let text = String(validating: payload, as: UTF8.self) {
            payloadEncoding = "utf8"
            self.payload = text
        } else {
            payloadEncoding = "base64"
            self.payload = Data(payload).base64EncodedString()
        }
        var warnings: [String] = []
        if header.headerLength != UInt32(FrameLayout.headerLength) {
            warnings.append("HeaderLength is \(header.headerLength), Gangway and the reference write 116")
        }
        if Int(header.declaredPayloadLength) != payload.count {
            warnings.append("PayloadLength says \(header.declaredPayloadLength) but \(payload.count) bytes follow the header (decoders use the frame end)")
        }
        if !digestValid {
            warnings.append(header.messageType.isPublication
                ? "digest does not match (normal for \(messageType): never verified)"
                : "digest does not match the payload: Gangway rejects this frame")
        }
        if header.messageType.rawValue.isEmpty { warnings.append("MessageType is blank: Gangway rejects this frame") }
        if header.createdDate == 0 && !header.messageType.isPublication {
            warnings.append("CreatedDate is 0: Gangway rejects this frame")
        }
        if header.payloadType == .flag, let flag = PayloadFlag(payload: payload) {
            warnings.append("flag value \(flag.rawValue) = \(flag.name)")
        }
        self.warnings = warnings
    }

    /// Pretty-printed JSON, keys in declaration order (header order first).
    public func json() -> String {
        func q(_ text: String) -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes]
            guard let data = try? encoder.encode(text) else { return "\"\"" }
            return String(decoding: data, as: UTF8.self)
        }
        let fields: [(String, String)] = [
            ("headerLength", String(headerLength)),
            ("messageType", q(messageType)),
            ("schemaVersion", String(schemaVersion)),
            ("createdDate", String(createdDate)),
            ("sequenceNumber", String(sequenceNumber)),
            ("flags", String(flags)),
            ("messageId", q(messageId)),
            ("payloadDigest", q(payloadDigest)),
            ("digestValid", digestValid ? "true" : "false"),
            ("payloadType", String(payloadType)),
            ("payloadTypeName", q(payloadTypeName)),
            ("payloadLength", String(payloadLength)),
            ("actualPayloadLength", String(actualPayloadLength)),
            ("payloadEncoding", q(payloadEncoding)),
            ("payload", q(payload)),
            ("warnings", warnings.isEmpty ? "[]" : "[\n    " + warnings.map(q).joined(separator: ",\n    ") + "\n  ]"),
        ]
        return "{\n" + fields.map { "  \"\($0.0)\": \($0.1)" }.joined(separator: ",\n") + "\n}"
    }

    /// Bytes from hex text; whitespace (and an optional leading `0x`) ignored.
    public static func bytes(fromHex text: String) throws(FrameError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count / 2)
        var high: UInt8?
        var utf8 = Array(text.utf8)
        if utf8.count >= 2, utf8[0] == 0x30, utf8[1] | 0x20 == 0x78 { utf8.removeFirst(2) }
        for (position, c) in utf8.enumerated() {
            let nibble: UInt8
            switch c {
            case 0x30...0x39: nibble = c - 0x30
            case 0x41...0x46: nibble = c - 0x41 + 10
            case 0x61...0x66: nibble = c - 0x61 + 10
            case 0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C: continue
            default: throw .invalidHex(reason: "byte 0x\(LowerHex.text([c])) at offset \(position) is not a hex digit")
            }
            if let h = high {
                out.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        guard high == nil else { throw .invalidHex(reason: "odd number of hex digits") }
        return out
    }
}
