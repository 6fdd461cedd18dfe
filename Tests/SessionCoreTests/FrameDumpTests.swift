import Foundation
import SessionCore
import Testing

/// The decode-to-JSON behind `gangway debug decode-frame`.
@Suite struct FrameDumpTests {
    @Test func textPayloadFramePrintsEveryField() throws {
        let dump = try FrameDump(frame: CodecVectorTests.expectedInputFrame())
        #expect(dump.headerLength == 116)
        #expect(dump.messageType == "input_stream_data")
        #expect(dump.schemaVersion == 1)
        #expect(dump.createdDate == 1_700_000_000_123)
        #expect(dump.sequenceNumber == 5)
        #expect(dump.flags == 0)
        #expect(dump.messageId == "00112233-4455-6677-8899-aabbccddeeff")
        #expect(dump.payloadDigest == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(dump.digestValid)
        #expect(dump.payloadTypeName == "Output")
        #expect(dump.payloadLength == 3)
        #expect(dump.payloadEncoding == "utf8")
        #expect(dump.payload == "abc")
        #expect(dump.warnings.isEmpty)
        let json = dump.json()
        #expect(json.contains(#""digestValid": true"#))
        #expect(json.contains(#""payloadTypeName": "Output""#))
        #expect(json.hasPrefix("{\n  \"headerLength\": 116,\n  \"messageType\": \"input_stream_data\""))
        // The JSON is parseable by a generic JSON reader.
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect(object?["sequenceNumber"] as? Int == 5)
    }

    @Test func binaryPayloadIsBase64AndBadDigestIsReported() throws {
        var m = CodecVectorTests.inputMessage
        m.payload = [0xFF, 0xFE, 0x00]
        m.payloadType = .flag
        var bytes = m.encode()
        bytes[80] ^= 1
        let dump = try FrameDump(frame: bytes)
        #expect(dump.payloadEncoding == "base64")
        #expect(dump.payload == "//4A")
        #expect(!dump.digestValid)
        #expect(dump.payloadTypeName == "Flag")
        #expect(dump.warnings.contains { $0.contains("digest does not match") })
        let parsed = try JSONSerialization.jsonObject(with: Data(dump.json().utf8)) as? [String: Any]
        #expect((parsed?["warnings"] as? [String])?.isEmpty == false)
        #expect(parsed?["digestValid"] as? Bool == false)
    }

    @Test func hexInputIgnoresWhitespaceAndRejectsGarbage() throws {
        #expect(try FrameDump.bytes(fromHex: " 0a FF\n1b\t") == [0x0A, 0xFF, 0x1B])
        #expect(try FrameDump.bytes(fromHex: "0x0aff") == [0x0A, 0xFF])
        #expect(throws: FrameError.self) { try FrameDump.bytes(fromHex: "abc") }
        #expect(throws: FrameError.self) { try FrameDump.bytes(fromHex: "zz") }
    }

    @Test func garbageIsAClearError() {
        #expect(throws: FrameError.tooShort(length: 5)) { try FrameDump(frame: Array("hello".utf8)) }
        do {
            _ = try FrameDump(frame: Array(repeating: 0x41, count: 200))
            Issue.record("200 bytes of 'A' decoded")
        } catch {
            #expect(error.description.contains("HeaderLength"))
        }
    }

    @Test func unknownPayloadTypeHasAName() {
        #expect(PayloadType(99).name == "Unknown(99)")
        #expect(PayloadType.exitCode.name == "ExitCode")
        #expect(PayloadFlag.terminateSession.payloadBytes == [0, 0, 0, 2])
        #expect(PayloadFlag(payload: [0, 0, 0, 3]) == .connectToPortError)
    }
}
