/// Why a byte buffer is not an acceptable ClientMessage frame. Every case says what was wrong with the bytes;
/// none of them is ever a crash.
public enum FrameError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fewer than the 120 bytes of a header-only frame.
    case tooShort(length: Int)
    /// HeaderLength below 116 or pointing past the end of the frame.
    case badHeaderLength(headerLength: UInt32, frameLength: Int)
    /// The payload exceeds `FrameLimits.maxPayloadBytes`.
    case payloadTooLarge(length: Int, limit: Int)
    /// The SHA-256 of the payload does not match the PayloadDigest field.
    case digestMismatch(messageType: String)
    /// The MessageType field is blank.
    case missingMessageType
    /// CreatedDate is 0.
    case missingCreatedDate(messageType: String)
    /// Hex input (for `gangway debug decode-frame --hex`) holds a non-hex character or an odd number of digits.
    case invalidHex(reason: String)

    public var description: String {
        switch self {
        case .tooShort(let length):
            "frame is \(length) bytes, shorter than the 120-byte ClientMessage header; is this a whole binary WebSocket message?"
        case .badHeaderLength(let hl, let frameLength):
            "HeaderLength field is \(hl) but must be at least 116 and leave 4 bytes for PayloadLength in a \(frameLength)-byte frame; the bytes are not a ClientMessage or are truncated"
        case .payloadTooLarge(let length, let limit):
            "payload is \(length) bytes, over the \(limit)-byte limit; raise FrameLimits.maxPayloadBytes if the peer is trusted"
        case .digestMismatch(let type):
            "PayloadDigest does not match the SHA-256 of the payload of a \(type) message; the frame was corrupted or altered in transit"
        case .missingMessageType:
            "MessageType field is blank; the bytes are not a ClientMessage"
        case .missingCreatedDate(let type):
            "CreatedDate is 0 in a \(type) message; the sender must set the epoch-milliseconds creation time"
        case .invalidHex(let reason):
            "input is not hex: \(reason); pass raw bytes without --hex, or hex digits (whitespace is ignored)"
        }
    }
}
