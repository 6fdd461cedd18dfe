import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension ClientMessage {
    /// The exact wire bytes: HeaderLength 116, space-padded type (truncated to 32 bytes), big-endian integers,
    /// MessageId halves swapped, SHA-256 payload digest.
    public func encode() -> [UInt8] {
        encode(digest: true)
    }

    /// `encode()`, optionally writing 32 zero bytes instead of the digest (benchmarks, and peers that skip it).
    public func encode(digest computeDigest: Bool) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: encodedCount) { buffer, initialized in
            encode(digest: computeDigest, into: UnsafeMutableRawBufferPointer(buffer))
            initialized = encodedCount
        }
    }

    /// The length of the wire bytes: the 120-byte header and the payload.
    public var encodedCount: Int { FrameLayout.minimumFrameLength + payload.count }

    /// Writes the wire bytes into the first `encodedCount` bytes of `out` (a WebSocket frame being built, say),
    /// without an array of its own.
    public func encode(digest computeDigest: Bool = true, into out: UnsafeMutableRawBufferPointer) {
        let total = encodedCount
        precondition(out.count >= total, "encode(into:) needs \(total) bytes, got \(out.count)")
        out.storeBE(UInt32(FrameLayout.headerLength), at: FrameLayout.headerLengthOffset)
        // MessageType: ASCII, right-padded with spaces.
        let typeArea = UnsafeMutableRawBufferPointer(
            rebasing: out[FrameLayout.messageTypeOffset..<(FrameLayout.messageTypeOffset + FrameLayout.messageTypeLength)])
        typeArea.initializeMemory(as: UInt8.self, repeating: 0x20)
        var typeBytes = messageType.rawValue.utf8.prefix(FrameLayout.messageTypeLength)
        let copied = typeBytes.withContiguousStorageIfAvailable { src in
            typeArea.copyMemory(from: UnsafeRawBufferPointer(src))
            return true
        }
        if copied == nil {
            var index = 0
            while let byte = typeBytes.popFirst() { typeArea[index] = byte; index += 1 }
        }
        out.storeBE(schemaVersion, at: FrameLayout.schemaVersionOffset)
        out.storeBE(createdDate, at: FrameLayout.createdDateOffset)
        out.storeBE(sequenceNumber, at: FrameLayout.sequenceNumberOffset)
        out.storeBE(flags, at: FrameLayout.flagsOffset)
        // MessageId: canonical bytes 8..15, then 0..7.
        withUnsafeBytes(of: messageId.uuid) { id in
            let idOut = FrameLayout.messageIdOffset
            UnsafeMutableRawBufferPointer(rebasing: out[idOut..<(idOut + 8)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: id[8..<16]))
            UnsafeMutableRawBufferPointer(rebasing: out[(idOut + 8)..<(idOut + 16)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: id[0..<8]))
        }
        let digestArea = UnsafeMutableRawBufferPointer(
            rebasing: out[FrameLayout.payloadDigestOffset..<(FrameLayout.payloadDigestOffset + FrameLayout.digestLength)])
        payload.withUnsafeBytes { src in
            if computeDigest {
                var hasher = SHA256()
                hasher.update(bufferPointer: src)
                hasher.finalize().withUnsafeBytes { digestArea.copyMemory(from: $0) }
            } else {
                digestArea.initializeMemory(as: UInt8.self, repeating: 0)
            }
            UnsafeMutableRawBufferPointer(rebasing: out[FrameLayout.minimumFrameLength..<total]).copyMemory(from: src)
        }
        out.storeBE(payloadType.rawValue, at: FrameLayout.payloadTypeOffset)
        out.storeBE(UInt32(truncatingIfNeeded: payload.count), at: FrameLayout.headerLength)
    }

    /// Parses one frame leniently (NUL or space padding; payload = bytes from HeaderLength+4 to the end, whatever
    /// PayloadLength says) and rejects what `limits` forbids. Never traps on any input.
    public static func decode(_ bytes: [UInt8], limits: FrameLimits = .default) throws(FrameError) -> ClientMessage {
        let result: Result<ClientMessage, FrameError> = bytes.withUnsafeBytes { raw in
            do throws(FrameError) {
                return .success(try decode(raw: raw, limits: limits))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// `decode(_:limits:)` over any contiguous bytes.
    public static func decode(raw: UnsafeRawBufferPointer, limits: FrameLimits = .default) throws(FrameError) -> ClientMessage {
        let header = try FrameHeader(raw: raw)
        let messageType = header.messageType
        let payloadStart = header.payloadStart
        let payloadCount = raw.count - payloadStart
        guard payloadCount <= limits.maxPayloadBytes else {
            throw .payloadTooLarge(length: payloadCount, limit: limits.maxPayloadBytes)
        }
        if limits.requireValidHeader && !messageType.isPublication {
            guard !messageType.rawValue.isEmpty else { throw .missingMessageType }
            guard header.createdDate != 0 else { throw .missingCreatedDate(messageType: messageType.rawValue) }
        }
        let payloadRaw = UnsafeRawBufferPointer(rebasing: raw[payloadStart...])
        // As the reference plugin: an empty payload declared empty has nothing to verify; a truncated frame
        // (PayloadLength > 0 but nothing left) is checked and fails.
        if limits.verifyDigest && !messageType.isPublication && (payloadCount > 0 || header.declaredPayloadLength != 0) {
            guard header.digestMatches(payload: payloadRaw, frame: raw) else {
                throw .digestMismatch(messageType: messageType.rawValue)
            }
        }
        return ClientMessage(messageType: messageType, schemaVersion: header.schemaVersion,
                             createdDate: header.createdDate, sequenceNumber: header.sequenceNumber,
                             flags: header.flags, messageId: header.messageId, payloadType: header.payloadType,
                             payload: [UInt8](payloadRaw))
    }
}
