@testable import ControlPlane
import Foundation
import NIOCore
import NIOWebSocket
import SessionCore
import Testing

/// Once the relay runs on the event loop, gangwayd reads a socket's binary messages straight from its bytes
/// (`RelayWireReader`) and leaves everything else to NIO's WebSocket decoder. These tests cut the byte stream at
/// every kind of place a socket read can end and mix in what must still reach the WebSocket layer.
@Suite("gangwayd relay: messages read off the socket's bytes", .serialized)
struct RelayWireReaderTests {
    /// A session with a raw client whose first message has gone through: the relay is on the event loop and that
    /// message came in a read of its own, so the reader has taken over from NIO's decoder.
    private func takenOver(_ cp: TestControlPlane) async throws -> (client: StalledClient, agentData: TestSocket) {
        let (sessionId, token, agentData) = try await startSessionWithoutClient(cp)
        try await agentData.sendBinary(Frames.state("Connected", session: sessionId))
        let client = try await StalledClient.connect(port: cp.server.port, path: "/v1/data-channel/\(sessionId)",
                                                     openText: try clientOpenText(token))
        client.sendImmediately()
        // One message per read: the first reaches the agent through the socket task or the handler; a read of whole
        // frames after the hand-over lets the reader take over; the last is read by it.
        for (seq, text) in ["first", "second", "third"].enumerated() {
            #expect(client.sendBinaryBlocking(Frames.input(Array(text.utf8), seq: Int64(seq))))
            #expect(await inputTexts(on: agentData, count: 1) == [text])
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(await cp.server.relayCounters().messagesReadOffWire >= 1, "the reader did not take over")
        return (client, agentData)
    }

    @Test("messages cut at any byte (header, mask, payload) across reads arrive whole and in order; a ping between them is answered and a fragmented message relayed whole")
    func cutAnywhere() async throws {
        let cp = try await TestControlPlane()
        defer { Task { await cp.stop() } }
        let (client, agentData) = try await takenOver(cp)
        defer { client.close() }
        let before = await cp.server.relayCounters().messagesReadOffWire

        // 300 bytes of payload: a 16-bit length (126 + 2 bytes) as well as the 7-bit ones.
        let texts = (0..<12).map { i in i % 3 == 2 ? "long-\(i)-" + String(repeating: "x", count: 300) : "k\(i)" }
        var stream: [UInt8] = []
        for (i, text) in texts.enumerated() {
            stream += StalledClient.maskedFrame(opcode: 0x2, payload: Frames.input(Array(text.utf8), seq: Int64(i + 3)))
            if i == 4 { stream += StalledClient.maskedFrame(opcode: 0x9, payload: Array("are-you-there".utf8)) }
        }
        let fragmented = Frames.input(Array(String(repeating: "frag", count: 100).utf8), seq: Int64(texts.count + 3))
        let cut = fragmented.count / 2
        stream += StalledClient.maskedFrame(opcode: 0x2, payload: Array(fragmented[..<cut]), fin: false)
        stream += StalledClient.maskedFrame(opcode: 0x0, payload: Array(fragmented[cut...]))
        stream += StalledClient.maskedFrame(opcode: 0x2, payload: Frames.input(Array("last".utf8), seq: Int64(texts.count + 4)))

        // Writes of 1, 2, 3, 5, 8 and 13 bytes, each its own segment: reads end inside headers, masking keys and
        // payloads.
        let sizes = [1, 2, 3, 5, 8, 13]
        var at = 0, n = 0
        while at < stream.count {
            let end = min(stream.count, at + sizes[n % sizes.count])
            try client.sendAll(Array(stream[at..<end]))
            at = end
            n += 1
            try await Task.sleep(for: .microseconds(300))
        }
        let expected = texts + [String(repeating: "frag", count: 100), "last"]
        #expect(await inputTexts(on: agentData, count: expected.count) == expected)

        let pong = await StalledClient.onOwnThread { client.readFrameBlocking(timeout: 5) }
        #expect(pong?.opcode == 0xA && pong.map { String(decoding: $0.payload, as: UTF8.self) } == "are-you-there")
        let counters = await cp.server.relayCounters()
        #expect(counters.malformedFrames == 0)
        // The 12 whole messages and "last" were read here; the fragmented one went through NIO's decoder.
        #expect(counters.messagesReadOffWire - before == texts.count + 1)
    }

    @Test("a message over the limit sent whole after the take-over closes that connection; nothing of it reaches the agent")
    func oversizedWholeMessage() async throws {
        let cp = try await TestControlPlane(configure: { $0.maxFrameBytes = 64 * 1024 })
        defer { Task { await cp.stop() } }
        let (client, agentData) = try await takenOver(cp)
        defer { client.close() }
        let big = Frames.input([UInt8](repeating: 0x41, count: 70 * 1024), seq: 3)
        try? client.sendAll(StalledClient.maskedFrame(opcode: 0x2, payload: big))
        let closed = await StalledClient.onOwnThread { client.readMessageBlocking(timeout: 5) }
        guard case .closed = closed else { Issue.record("expected the connection closed, got \(String(describing: closed))"); return }
        #expect(await inputTexts(on: agentData, count: 1, within: 0.5).isEmpty)
    }

    @Test("the take-over check: only a read of whole frames matches what the decoder produced")
    func wholeFramesCheck() {
        let a = StalledClient.maskedFrame(opcode: 0x2, payload: Array(repeating: 7, count: 300))
        let b = StalledClient.maskedFrame(opcode: 0x9, payload: Array("p".utf8))
        var headers: [WebSocketWireHeader] = []
        #expect(RelayWireReader.wholeFrames(ByteBuffer(bytes: a + b), into: &headers))
        #expect(headers.map(\.payloadLength) == [300, 1] && headers.map(\.opcode) == [0x2, 0x9])
        #expect(headers.map(\.headerBytes) == [8, 6] && headers.allSatisfy { $0.maskKey == 0x0102_0304 })
        for cut in [1, 5, 7, a.count - 1, a.count + 1] {
            #expect(!RelayWireReader.wholeFrames(ByteBuffer(bytes: Array((a + b)[..<cut])), into: &headers), "cut at \(cut)")
        }
        // Bytes from inside a large frame read as many tiny "frames" are not taken for whole frames.
        #expect(!RelayWireReader.wholeFrames(ByteBuffer(bytes: [UInt8](repeating: 0x00, count: 1000)), into: &headers))
        #expect(RelayWireReader.wholeFrames(ByteBuffer(bytes: [UInt8](repeating: 0x00, count: 20)), into: &headers))

        // What the decoder produced, as a header, equals the header read off the wire, on every length boundary.
        for length in [0, 125, 126, 65535, 65536] {
            let wire = StalledClient.maskedFrame(opcode: 0x2, payload: Array(repeating: 1, count: length))
            let read = wire.withUnsafeBytes { WebSocketWireHeader.read($0) }
            let decoded = WebSocketFrame(fin: true, opcode: .binary, maskKey: WebSocketMaskingKey([1, 2, 3, 4]),
                                         data: ByteBuffer(bytes: Array(repeating: 1, count: length)))
            #expect(read == RelayFrameHandler.wireHeader(of: decoded), "length \(length)")
            #expect(read?.headerBytes == wire.count - length)
        }
    }
}
