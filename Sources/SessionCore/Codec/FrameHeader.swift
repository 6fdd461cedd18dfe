import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Every header field of a frame exactly as found, before any validation beyond "the offsets exist".
/// Used by the decoder and by `gangway debug decode-frame`.
public struct FrameHeader: Sendable, Equatable {
    public var headerLength: UInt32
    public var messageType: MessageType
    public var schemaVersion: UInt32
    public var createdDate: UInt64
    public var sequenceNumber: Int64
    public var flags: UInt64
    public var messageId: UUID
    public var payloadType: PayloadType
    /// The PayloadLength field as declared (the decoder does not use it to slice).
    public var declaredPayloadLength: UInt32
    /// Offset of the payload: HeaderLength + 4.
    public var payloadStart: Int

    /// Reads the header; throws only when the frame is shorter than 120 bytes or HeaderLength is out of range.
    public init(raw: UnsafeRawBufferPointer) throws(FrameError) {
        guard raw.count >= FrameLayout.minimumFrameLength else { throw .tooShort(length: raw.count) }
        let hl = raw.loadBE(UInt32.self, at: FrameLayout.headerLengthOffset)
        // Compare in Int64 space: no overflow whatever the field holds.
        guard hl >= UInt32(FrameLayout.headerLength), Int64(hl) + 4 <= Int64(raw.count) else {
            throw .badHeaderLength(headerLength: hl, frameLength: raw.count)
        }
        headerLength = hl
        payloadStart = Int(hl) + 4
        messageType = MessageType(Self.trimmedType(raw))
        schemaVersion = raw.loadBE(UInt32.self, at: FrameLayout.schemaVersionOffset)
        createdDate = raw.loadBE(UInt64.self, at: FrameLayout.createdDateOffset)
        sequenceNumber = raw.loadBE(Int64.self, at: FrameLayout.sequenceNumberOffset)
        flags = raw.loadBE(UInt64.self, at: FrameLayout.flagsOffset)
        let o = FrameLayout.messageIdOffset
        messageId = UUID(uuid: (raw[o + 8], raw[o + 9], raw[o + 10], raw[o + 11], raw[o + 12], raw[o + 13],
                                raw[o + 14], raw[o + 15], raw[o], raw[o + 1], raw[o + 2], raw[o + 3], raw[o + 4],
                                raw[o + 5], raw[o + 6], raw[o + 7]))
        payloadType = PayloadType(raw.loadBE(UInt32.self, at: FrameLayout.payloadTypeOffset))
        declaredPayloadLength = raw.loadBE(UInt32.self, at: Int(hl))
    }

    public init(bytes: [UInt8]) throws(FrameError) {
        let result: Result<FrameHeader, FrameError> = bytes.withUnsafeBytes { raw in
            do throws(FrameError) { return .success(try FrameHeader(raw: raw)) } catch { return .failure(error) }
        }
        self = try result.get()
    }

    /// The MessageType bytes with NULs and ASCII whitespace stripped from both ends. A type Gangway knows comes back
    /// as its static's string (no allocation: `output_stream_data` is too long for a small string, and every frame
    /// has one).
    static func trimmedType(_ raw: UnsafeRawBufferPointer) -> String {
        var start = FrameLayout.messageTypeOffset
        var end = FrameLayout.messageTypeOffset + FrameLayout.messageTypeLength
        func isPad(_ b: UInt8) -> Bool { b == 0 || b == 0x20 || (b >= 0x09 && b <= 0x0D) }
        while start < end && isPad(raw[start]) { start += 1 }
        while end > start && isPad(raw[end - 1]) { end -= 1 }
        let bytes = UnsafeRawBufferPointer(rebasing: raw[start..<end])
        if let known = MessageType.known(bytes) { return known.rawValue }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// True when the PayloadDigest field equals SHA-256 of `payload`.
    func digestMatches(payload: UnsafeRawBufferPointer, frame: UnsafeRawBufferPointer) -> Bool {
        var hasher = SHA256()
        hasher.update(bufferPointer: payload)
        let computed = hasher.finalize()
        let d = FrameLayout.payloadDigestOffset
        return computed.withUnsafeBytes { c in
            var diff: UInt8 = 0
            for i in 0..<FrameLayout.digestLength { diff |= c[i] ^ frame[d + i] }
            return diff == 0
        }
    }
}
