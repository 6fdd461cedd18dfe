import ControlPlane
import Foundation
import SessionCore
import Testing

/// gangwayd frames what it relays itself (a whole message is unmasked on arrival into a buffer that already holds the
/// outgoing header in front of it; other messages get a header written before them through `RelayFrameOutput`). Messages
/// whose length sits on each side of every boundary of the WebSocket length encoding (125/126: one byte to 16 bits;
/// 65535/65536: 16 to 64 bits) and of the copy-or-not threshold (1024) arrive whole, in order, both ways, through a
/// real WebSocket decoder.
@Suite("gangwayd relay framing", .serialized)
struct RelayFramingTests {
    /// ClientMessage header (116 bytes) plus the payload length field (4).
    static let messageOverhead = 120
    static let messageLengths = [121, 125, 126, 127, 1023, 1024, 1025, 65535, 65536, 65537, 300_000]

    static func payload(_ n: Int, seed: Int) -> [UInt8] {
        (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed) }
    }

    @Test("messages on every length boundary of the framing go both ways whole and in order")
    func lengthBoundaries() async throws {
        let cp = try await TestControlPlane()
        defer { Task { await cp.stop() } }
        let s = try await startSession(cp)
        try await s.clientAttached()

        let payloads = Self.messageLengths.enumerated().map { Self.payload($0.element - Self.messageOverhead, seed: $0.offset) }
        for (i, p) in payloads.enumerated() {
            let frame = Frames.input(p, seq: Int64(i + 1))
            #expect(frame.count == Self.messageLengths[i])
            try await s.client.sendBinary(frame)
        }
        let toAgent = await Self.payloads(of: .inputStreamData, count: payloads.count, on: s.agentData)
        #expect(toAgent.map(\.count) == payloads.map(\.count))
        #expect(toAgent == payloads)

        for (i, p) in payloads.enumerated() {
            let frame = ClientMessage(messageType: .outputStreamData, createdDate: Frames.now, sequenceNumber: Int64(i),
                                      flags: i == 0 ? 1 : 0, payloadType: .output, payload: p).encode()
            try await s.agentData.sendBinary(frame)
        }
        let toClient = await Self.payloads(of: .outputStreamData, count: payloads.count, on: s.client)
        #expect(toClient.map(\.count) == payloads.map(\.count))
        #expect(toClient == payloads)
    }

    /// The payloads of the first `count` messages of `type` that `socket` receives (fewer after 10 s of silence).
    static func payloads(of type: MessageType, count: Int, on socket: TestSocket) async -> [[UInt8]] {
        var got: [[UInt8]] = []
        while got.count < count, let m = Frames.decode(await socket.next(within: 10)) {
            if m.messageType == type { got.append(m.payload) }
        }
        return got
    }
}
