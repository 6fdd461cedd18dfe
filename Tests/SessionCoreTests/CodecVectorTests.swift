import Foundation
import SessionCore
import Testing

/// Byte-exact frames written field by field from the documented layout (docs/PROTOCOL.md §Frame).
@Suite struct CodecVectorTests {
    static func be32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.bigEndian, Array.init) }
    static func be64(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.bigEndian, Array.init) }

    static let id = UUID(uuidString: "00112233-4455-6677-8899-AABBCCDDEEFF")!
    /// SHA-256("abc"), FIPS 180-2 test vector.
    static let sha256abc: [UInt8] = [
        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
        0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
    ]

    static func expectedInputFrame() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes += be32(116)                                                   // HeaderLength
        bytes += Array("input_stream_data".utf8) + Array(repeating: 0x20, count: 32 - 17)  // MessageType
        bytes += be32(1)                                                     // SchemaVersion
        bytes += be64(1_700_000_000_123)                                     // CreatedDate ms
        bytes += be64(5)                                                     // SequenceNumber
        bytes += be64(0)                                                     // Flags
        bytes += [0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF,            // MessageId: bytes 8..15 first,
                  0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77]            // then bytes 0..7
        bytes += sha256abc                                                   // PayloadDigest
        bytes += be32(1)                                                     // PayloadType Output
        bytes += be32(3)                                                     // PayloadLength
        bytes += Array("abc".utf8)                                           // Payload
        return bytes
    }

    static let inputMessage = ClientMessage(
        messageType: .inputStreamData, createdDate: 1_700_000_000_123, sequenceNumber: 5, flags: 0,
        messageId: id, payloadType: .output, payload: Array("abc".utf8))

    @Test func messageTypesCompareByName() {
        // Built at run time: equal names in different storage are the same type; same-length names are not.
        let built = MessageType(["input", "stream", "data"].joined(separator: "_"))
        #expect(built == .inputStreamData)
        #expect(Array("input_stream_data".utf8).withUnsafeBytes { MessageType.known($0) } == .inputStreamData)
        #expect(MessageType.inputStreamData != .startPublication)  // both 17 bytes
        #expect(MessageType.startPublication != .pausePublication)
        #expect(MessageType.acknowledge != .outputStreamData)
        #expect(Set([built, .inputStreamData, .outputStreamData]).count == 2)
    }

    @Test func webSocketWireHeaderReadsEveryLengthFormAndWaitsForAllItsBytes() {
        // FIN binary, masked, 7-bit length 5, key 0xA1B2C3D4.
        let short: [UInt8] = [0x82, 0x85, 0xA1, 0xB2, 0xC3, 0xD4]
        let h = short.withUnsafeBytes { WebSocketWireHeader.read($0) }
        #expect(h == WebSocketWireHeader(firstByte: 0x82, maskKey: 0xA1B2_C3D4, payloadLength: 5, headerBytes: 6))
        #expect(h?.fin == true && h?.opcode == 2 && h?.reservedBits == 0)
        #expect(h?.maskKeyBytes.map { [$0.0, $0.1, $0.2, $0.3] } == [0xA1, 0xB2, 0xC3, 0xD4])
        for n in 0..<short.count {
            #expect(Array(short[..<n]).withUnsafeBytes { WebSocketWireHeader.read($0) } == nil, "\(n) bytes")
        }
        // Continuation, not FIN, a reserved bit, unmasked, 16-bit length 300.
        let mid: [UInt8] = [0x40, 126, 0x01, 0x2C]
        #expect(mid.withUnsafeBytes { WebSocketWireHeader.read($0) }
                == WebSocketWireHeader(firstByte: 0x40, maskKey: nil, payloadLength: 300, headerBytes: 4))
        // 64-bit length 2^32 + 1, masked: 14 header bytes; 13 are not enough.
        let long: [UInt8] = [0x82, 0xFF, 0, 0, 0, 1, 0, 0, 0, 1, 9, 8, 7, 6]
        #expect(long.withUnsafeBytes { WebSocketWireHeader.read($0) }?.payloadLength == (1 << 32) + 1)
        #expect(long.withUnsafeBytes { WebSocketWireHeader.read($0) }?.headerBytes == 14)
        #expect(Array(long[..<13]).withUnsafeBytes { WebSocketWireHeader.read($0) } == nil)
    }

    @Test func encodesStreamMessageByteExact() {
        let encoded = Self.inputMessage.encode()
        #expect(encoded.count == 123)
        #expect(encoded == Self.expectedInputFrame())
    }

    @Test func decodesHandBuiltFrame() throws {
        let decoded = try ClientMessage.decode(Self.expectedInputFrame())
        #expect(decoded == Self.inputMessage)
    }

    @Test func negativeSequenceAndHighFlagsAreBigEndianTwosComplement() throws {
        var m = Self.inputMessage
        m.sequenceNumber = -2
        m.flags = 0x8000_0000_0000_0003
        let bytes = m.encode()
        #expect(Array(bytes[48..<56]) == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE])
        #expect(Array(bytes[56..<64]) == [0x80, 0, 0, 0, 0, 0, 0, 0x03])
        #expect(try ClientMessage.decode(bytes) == m)
    }

    @Test func acknowledgeIsFlags3Seq0WithReferenceJSON() throws {
        let ack = ClientMessage.acknowledging(Self.inputMessage, now: 1_700_000_000_999, messageId: Self.id)
        let json = #"{"AcknowledgedMessageType":"input_stream_data","AcknowledgedMessageId":"00112233-4455-6677-8899-aabbccddeeff","AcknowledgedMessageSequenceNumber":5,"IsSequentialMessage":true}"#
        var expected: [UInt8] = []
        expected += Self.be32(116)
        expected += Array("acknowledge".utf8) + Array(repeating: 0x20, count: 32 - 11)
        expected += Self.be32(1) + Self.be64(1_700_000_000_999) + Self.be64(0) + Self.be64(3)
        expected += [0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77]
        expected += [0x99, 0xda, 0x24, 0xb3, 0x33, 0x64, 0xc3, 0xfc, 0xbc, 0xd1, 0xf3, 0x22, 0x54, 0x26, 0x2f, 0xe3,  // SHA-256(json),
                     0x6b, 0xc7, 0x05, 0x4c, 0xd2, 0x8d, 0x73, 0x32, 0xfb, 0xef, 0xca, 0x9a, 0x70, 0xb9, 0x42, 0x77]  // via Python hashlib
        expected += Self.be32(0) + Self.be32(UInt32(json.utf8.count)) + Array(json.utf8)
        #expect(ack.encode() == expected)
    }

    /// Encoding straight into a frame being built (`encode(into:)`, what the WebSocket writer does) gives the same
    /// bytes as `encode()` and writes nothing past them; an ack's JSON built without the id's String matches the
    /// struct's, for random ids, sequence numbers and a type name that needs escaping.
    @Test func encodeIntoAndAckJSONMatchTheirReferenceForms() throws {
        for payloadCount in [0, 1, 125, 4096] {
            let m = ClientMessage(messageType: .outputStreamData, createdDate: 1_700_000_000_123, sequenceNumber: 42,
                                  flags: 0, payloadType: .output, payload: (0..<payloadCount).map { UInt8(truncatingIfNeeded: $0) })
            var out = [UInt8](repeating: 0xEE, count: m.encodedCount + 7)
            out.withUnsafeMutableBytes { m.encode(into: $0) }
            #expect(Array(out[..<m.encodedCount]) == m.encode())
            #expect(out[m.encodedCount...].allSatisfy { $0 == 0xEE })
        }
        for seq in [Int64(0), 5, -1, Int64.max] {
            for type in [MessageType.outputStreamData, MessageType(rawValue: "odd\"type")] {
                let m = ClientMessage(messageType: type, createdDate: 1, sequenceNumber: seq, flags: 0,
                                      messageId: UUID(), payloadType: .output, payload: [1])
                let direct = AcknowledgeContent.jsonBytes(acknowledging: m)
                #expect(direct == AcknowledgeContent(acknowledging: m).jsonBytes())
                #expect(AcknowledgeContent.parse(direct) == AcknowledgeContent(acknowledging: m))
            }
        }
    }

    /// A frame produced by an independent encoder (Python struct/hashlib/uuid following the Go serializer).
    @Test func decodesFrameFromAnotherImplementation() throws {
        let hex = "000000746f75747075745f73747265616d5f646174612020202020202020202020202020000000010000018bcfe5687b0000000000000007000000000000000080b400c04fd430c86ba7b8109dad11d1e757de90063252473a3443965fb04722fbad5f7bbe40382da7dde106ddcec499000000010000001268656c6c6f2066726f6d20707974686f6e0a"
        let m = try ClientMessage.decode(try FrameDump.bytes(fromHex: hex))
        #expect(m.messageType == .outputStreamData)
        #expect(m.sequenceNumber == 7)
        #expect(m.createdDate == 1_700_000_000_123)
        #expect(m.messageId == UUID(uuidString: "6ba7b810-9dad-11d1-80b4-00c04fd430c8"))
        #expect(m.payloadType == .output)
        #expect(m.payloadText == "hello from python\n")
        #expect(m.encode() == (try FrameDump.bytes(fromHex: hex)))
    }

    @Test func nulPaddedTypeAndWrongPayloadLengthDecodeLeniently() throws {
        var bytes = Self.expectedInputFrame()
        for i in (4 + 17)..<36 { bytes[i] = 0 }          // NUL padding
        bytes.replaceSubrange(116..<120, with: Self.be32(999))  // PayloadLength lies
        let m = try ClientMessage.decode(bytes)
        #expect(m.messageType == .inputStreamData)
        #expect(m.payload == Array("abc".utf8))
    }

    @Test("every known message type decodes to its static; near misses and unknown types keep their own names")
    func messageTypesDecodeByName() throws {
        let names = MessageType.all.map(\.rawValue)
            + ["output_stream_dat", "output_stream_datA", "acknowledge2", "x", "a_type_nobody_defined_here_123"]
        for name in names {
            var bytes = Self.expectedInputFrame()
            let field = Array(name.utf8) + [UInt8](repeating: 0x20, count: 32 - name.utf8.count)
            bytes.replaceSubrange(4..<36, with: field)
            let m = try ClientMessage.decode(bytes, limits: FrameLimits(verifyDigest: false, requireValidHeader: false))
            #expect(m.messageType.rawValue == name)
            #expect((MessageType.all.contains(m.messageType)) == MessageType.all.map(\.rawValue).contains(name))
        }
    }

    @Test func largerHeaderLengthMovesThePayload() throws {
        // HL 120: 4 unknown header bytes before PayloadLength; payload starts at 124.
        var bytes = Array(Self.expectedInputFrame()[0..<116])
        bytes.replaceSubrange(0..<4, with: Self.be32(120))
        bytes += [9, 9, 9, 9] + Self.be32(3) + Array("abc".utf8)
        #expect(try ClientMessage.decode(bytes).payload == Array("abc".utf8))
    }

    @Test func headerOnlyFrameDecodes() throws {
        var bytes = Array(Self.expectedInputFrame()[0..<120])
        bytes.replaceSubrange(116..<120, with: Self.be32(0))
        let m = try ClientMessage.decode(bytes)
        #expect(m.payload.isEmpty)
    }

    @Test func emptyPayloadEncodesAsHeaderOnlyFrameWithEmptyDigest() throws {
        let m = ClientMessage(messageType: .startPublication, createdDate: 1, messageId: Self.id, payload: [])
        let bytes = m.encode()
        #expect(bytes.count == 120)
        // SHA-256 of nothing: e3b0c442 98fc1c14 9afbf4c8 996fb924 27ae41e4 649b934c a495991b 7852b855.
        #expect(Array(bytes[80..<84]) == [0xe3, 0xb0, 0xc4, 0x42] && Array(bytes[108..<112]) == [0x78, 0x52, 0xb8, 0x55])
        #expect(Array(bytes[116..<120]) == [0, 0, 0, 0])
        #expect(try ClientMessage.decode(bytes) == m)
    }

    @Test func rejectsWhatTheNotesSayToReject() {
        let good = Self.expectedInputFrame()
        #expect(throws: FrameError.tooShort(length: 119)) { try ClientMessage.decode(Array(good[0..<119])) }
        var badHL = good
        badHL.replaceSubrange(0..<4, with: Self.be32(115))
        #expect(throws: FrameError.badHeaderLength(headerLength: 115, frameLength: 123)) { try ClientMessage.decode(badHL) }
        badHL.replaceSubrange(0..<4, with: Self.be32(0xFFFF_FFFF))
        #expect(throws: FrameError.badHeaderLength(headerLength: 0xFFFF_FFFF, frameLength: 123)) { try ClientMessage.decode(badHL) }
        var corrupt = good
        corrupt[121] ^= 0x01
        #expect(throws: FrameError.digestMismatch(messageType: "input_stream_data")) { try ClientMessage.decode(corrupt) }
        #expect(throws: FrameError.payloadTooLarge(length: 3, limit: 2)) {
            try ClientMessage.decode(good, limits: FrameLimits(maxPayloadBytes: 2))
        }
        var noDate = good
        noDate.replaceSubrange(40..<48, with: Self.be64(0))
        #expect(throws: FrameError.missingCreatedDate(messageType: "input_stream_data")) { try ClientMessage.decode(noDate) }
        var noType = good
        noType.replaceSubrange(4..<36, with: Array(repeating: 0x20, count: 32))
        #expect(throws: FrameError.missingMessageType) { try ClientMessage.decode(noType) }
    }

    @Test func publicationMessagesSkipDigestAndDateChecks() throws {
        var m = Self.inputMessage
        m.messageType = .pausePublication
        var bytes = m.encode()
        bytes[121] ^= 0xFF                                  // wrong digest
        bytes.replaceSubrange(40..<48, with: Self.be64(0))  // no date
        #expect(try ClientMessage.decode(bytes).messageType == .pausePublication)
    }

    @Test func errorsExplainThemselves() {
        #expect(FrameError.tooShort(length: 10).description.contains("shorter than the 120-byte"))
        #expect(FrameError.digestMismatch(messageType: "x").description.contains("SHA-256"))
    }

    @Test func overlongMessageTypeIsTruncatedTo32Bytes() throws {
        let m = ClientMessage(messageType: MessageType(String(repeating: "x", count: 40)), createdDate: 1, payload: [1])
        let bytes = m.encode()
        #expect(bytes.count == 121)
        #expect(try ClientMessage.decode(bytes).messageType.rawValue == String(repeating: "x", count: 32))
    }
}
