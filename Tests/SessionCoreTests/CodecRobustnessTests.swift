import Foundation
import GangwayTesting
import SessionCore
import Testing

/// Round trips of random messages, and hostile input that must produce typed errors, never a crash.
@Suite struct CodecRobustnessTests {
    static func randomMessage(_ rng: inout SeededGenerator) -> ClientMessage {
        let types: [MessageType] = [.inputStreamData, .outputStreamData, .acknowledge, .channelClosed,
                                    .agentSessionState, .agentHeartbeat, MessageType("x"), MessageType(String(repeating: "z", count: 32))]
        let sizes = [1, 2, 17, 119, 120, 1024, 4096, 40_000]
        let size = sizes[Int.random(in: 0..<sizes.count, using: &rng)]
        var uuidBytes = rng.bytes(16)
        let uuid = UUID(uuid: (uuidBytes[0], uuidBytes[1], uuidBytes[2], uuidBytes[3], uuidBytes[4], uuidBytes[5],
                               uuidBytes[6], uuidBytes[7], uuidBytes[8], uuidBytes[9], uuidBytes[10], uuidBytes[11],
                               uuidBytes[12], uuidBytes[13], uuidBytes[14], uuidBytes[15]))
        uuidBytes.removeAll()
        return ClientMessage(
            messageType: types[Int.random(in: 0..<types.count, using: &rng)],
            schemaVersion: UInt32.random(in: 0...3, using: &rng),
            createdDate: UInt64.random(in: 1...UInt64.max, using: &rng),
            sequenceNumber: Int64.random(in: Int64.min...Int64.max, using: &rng),
            flags: rng.next(), messageId: uuid, payloadType: PayloadType(UInt32.random(in: 0...20, using: &rng)),
            payload: rng.bytes(size))
    }

    @Test func randomMessagesRoundTrip() throws {
        var rng = SeededGenerator(seed: 0xC0DEC)
        for _ in 0..<2_000 {
            let m = Self.randomMessage(&rng)
            let bytes = m.encode()
            #expect(bytes.count == 120 + m.payload.count)
            #expect(try ClientMessage.decode(bytes) == m)
        }
    }

    @Test func everyPrefixOfAFrameIsATypedErrorNotACrash() throws {
        var rng = SeededGenerator(seed: 1)
        for _ in 0..<20 {
            var m = Self.randomMessage(&rng)
            m.messageType = .outputStreamData
            m.payload = rng.bytes(Int.random(in: 1...300, using: &rng))
            let bytes = m.encode()
            // Fed one byte at a time: every proper prefix is rejected with a reason; the whole frame decodes.
            for length in 0..<bytes.count {
                #expect(throws: FrameError.self) { try ClientMessage.decode(Array(bytes[0..<length])) }
            }
            #expect(try ClientMessage.decode(bytes) == m)
        }
    }

    @Test func randomSplitsOfAFrameStreamNeverCrash() throws {
        var rng = SeededGenerator(seed: 2)
        var stream: [UInt8] = []
        for _ in 0..<50 { stream += Self.randomMessage(&rng).encode() }
        for _ in 0..<60 {
            var start = 0
            while start < stream.count {
                let end = min(stream.count, start + Int.random(in: 1...2_000, using: &rng))
                _ = try? ClientMessage.decode(Array(stream[start..<end]))
                _ = try? FrameDump(frame: Array(stream[start..<end]))
                start = end
            }
        }
    }

    @Test func randomBytesNeverCrash() {
        var rng = SeededGenerator(seed: 3)
        var decoded = 0
        for i in 0..<5_000 {
            var bytes = rng.bytes(Int.random(in: 0...400, using: &rng))
            if i % 2 == 0, bytes.count >= 4 {
                // Make the header length plausible half the time so deeper paths run.
                bytes.replaceSubrange(0..<4, with: [0, 0, 0, UInt8.random(in: 112...124, using: &rng)])
            }
            if (try? ClientMessage.decode(bytes, limits: .inspection)) != nil { decoded += 1 }
            _ = try? ClientMessage.decode(bytes)
            _ = try? FrameDump(frame: bytes)
        }
        #expect(decoded > 0)  // the lenient paths were reached
    }

    @Test func mutatedFramesAreRejectedOrDecodeConsistently() {
        var rng = SeededGenerator(seed: 4)
        var rejectedDigest = 0
        for _ in 0..<5_000 {
            var m = Self.randomMessage(&rng)
            m.messageType = .inputStreamData
            m.payload = rng.bytes(Int.random(in: 1...200, using: &rng))
            var bytes = m.encode()
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let index = Int.random(in: 0..<bytes.count, using: &rng)
                bytes[index] = UInt8.random(in: 0...255, using: &rng)
            }
            if Bool.random(using: &rng) { bytes.removeLast(Int.random(in: 0...min(10, bytes.count), using: &rng)) }
            do {
                let decoded = try ClientMessage.decode(bytes)
                // Anything accepted re-encodes to a frame that decodes to the same message (a mutated type may
                // hold non-ASCII bytes that re-encode differently; compare it only when it is plain ASCII).
                var again = try ClientMessage.decode(decoded.encode())
                if !decoded.messageType.rawValue.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) { again.messageType = decoded.messageType }
                #expect(again == decoded)
            } catch {
                if case .digestMismatch = error { rejectedDigest += 1 }
            }
        }
        #expect(rejectedDigest > 1_000)
    }
}
