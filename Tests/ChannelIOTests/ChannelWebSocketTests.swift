import ChannelIO
import Foundation
import Logging
import NIOCore
import NIOWebSocket
import SessionCore
import Testing

/// The data channel's own WebSocket client (ChannelWebSocket under DataChannelConnection) against a scripted server:
/// what a server may legally send (fragments, pings between fragments, close codes) and what a slow application
/// must not cause (unbounded buffering, lost or reordered bytes).
@Suite("Data channel WebSocket client")
struct ChannelWebSocketTests {
    static func output(_ seq: Int64, _ bytes: [UInt8]) -> [UInt8] {
        ClientMessage(messageType: .outputStreamData, createdDate: 1, sequenceNumber: seq, flags: seq == 0 ? 1 : 0,
                      payloadType: .output, payload: bytes).encode()
    }

    static func decoded(_ frame: ScriptedWebSocketServer.Frame) -> ClientMessage? {
        guard frame.opcode == .binary else { return nil }
        return try? ClientMessage.decode(frame.data)
    }

    static func logger() -> Logger {
        var l = Logger(label: "test")
        l.logLevel = .error
        return l
    }

    /// A client data channel connected to a scripted server, once the server has its opening frame.
    static func connectedClient() async throws -> (ScriptedWebSocketServer, DataChannelConnection) {
        let server = try ScriptedWebSocketServer()
        let channel = DataChannelConnection(url: server.url, openingFrame: "{}", role: .client, logger: logger())
        try await channel.connect()
        #expect(await server.waitForFrames { !$0.isEmpty })
        return (server, channel)
    }

    @Test("a fragmented message with pings between its fragments arrives whole; pings are answered; a close code reaches the application")
    func fragmentsPingsAndClose() async throws {
        let server = try ScriptedWebSocketServer()
        let channel = DataChannelConnection(url: server.url, openingFrame: #"{"TokenValue":"t"}"#, role: .client,
                                            logger: Self.logger())
        try await channel.connect()
        #expect(await server.waitForFrames { $0.first?.opcode == .text })
        #expect(server.frames.first.map { String(decoding: $0.data, as: UTF8.self) } == #"{"TokenValue":"t"}"#)

        let message = Self.output(0, Array("hello, fragmented world".utf8))
        try await server.send([
            server.control(.ping, Array("p1".utf8)),
            server.binary(Array(message[..<40]), fin: false),
            server.control(.ping, Array("p2".utf8)),
            server.binary(Array(message[40..<100]), fin: false, continuation: true),
            server.binary(Array(message[100...]), fin: true, continuation: true),
        ])
        var events = channel.events.makeAsyncIterator()
        let first = await events.next()
        guard case .data(.output, let bytes) = first else {
            Issue.record("expected the output payload, got \(String(describing: first))")
            return
        }
        #expect(String(decoding: bytes, as: UTF8.self) == "hello, fragmented world")

        // Both pings answered with their data; the message acknowledged; every client frame masked, keys varying.
        #expect(await server.waitForFrames { frames in frames.contains { Self.decoded($0)?.messageType == .acknowledge } })
        let pongs = server.frames.filter { $0.opcode == .pong }.map { String(decoding: $0.data, as: UTF8.self) }
        #expect(pongs == ["p1", "p2"])
        let ack = server.frames.compactMap(Self.decoded).first { $0.messageType == .acknowledge }
        #expect(ack.flatMap { try? $0.decodePayload(AcknowledgeContent.self) }?.acknowledgedMessageSequenceNumber == 0)
        #expect(server.frames.allSatisfy { $0.maskKey != nil })
        #expect(Set(server.frames.compactMap { $0.maskKey.map { Array($0) } }).count == server.frames.count)

        // The server closes with 1008: the application is told the code and reason, and the close is answered.
        try await server.send([server.close(code: 1008, reason: "token already used")])
        let next = await events.next()
        guard case .disconnected(let error?) = next, case DataChannelError.closedByPeer(let code, let reason)? = error as? DataChannelError else {
            Issue.record("expected disconnected(closedByPeer), got \(String(describing: next))")
            return
        }
        #expect(code == 1008)
        #expect(reason == "token already used")
        #expect(await server.waitForFrames { $0.last?.opcode == .connectionClose })
        #expect(server.frames.last.map { Array($0.data.prefix(2)) } == [0x03, 0xF0])  // 1008 echoed
        await channel.close()
        await server.shutdown()
    }

    @Test("input sent after everything was acknowledged is still resent when unacknowledged (the resend timer left from before fires early and re-arms)")
    func resendAfterAnAcknowledgedMessage() async throws {
        let server = try ScriptedWebSocketServer()
        let channel = DataChannelConnection(url: server.url, openingFrame: "{}", role: .client, logger: Self.logger())
        try await channel.connect()
        func inputs(_ text: String) -> Int {
            server.frames.compactMap(Self.decoded).filter { $0.messageType == .inputStreamData && $0.payload == Array(text.utf8) }.count
        }
        await channel.send(Array("a".utf8))
        // (On a loaded machine "a" may be resent before this acknowledgement reaches the client: that is its timer
        // doing its job. What must not happen is a copy after it.)
        #expect(await server.waitForFrames { _ in inputs("a") >= 1 })
        let first = try #require(server.frames.compactMap(Self.decoded).first { $0.messageType == .inputStreamData })
        try await server.send([server.binary(ClientMessage.acknowledging(first, now: 1).encode())])
        for _ in 0..<100 where await !channel.isIdle { try await Task.sleep(for: .milliseconds(10)) }
        #expect(await channel.isIdle)
        let copiesOfA = inputs("a")

        // Nothing in flight, but the first message's timer is still scheduled; this one is never acknowledged.
        await channel.send(Array("b".utf8))
        #expect(await server.waitForFrames(timeout: .seconds(3)) { _ in inputs("b") >= 3 }, "\(inputs("b")) copies of the unacknowledged message")
        #expect(inputs("a") == copiesOfA, "the acknowledged message was resent after its acknowledgement")
        #expect(await channel.counters.retransmissions >= 2)
        await channel.close()
        await server.shutdown()
    }

    @Test("an application that does not consume stops the socket being read; after it catches up every byte arrives once, in order")
    func slowApplicationBoundsBuffering() async throws {
        let server = try ScriptedWebSocketServer()
        let channel = DataChannelConnection(url: server.url, openingFrame: "{}", role: .client,
                                            maxBufferedEventBytes: 64 * 1024, logger: Self.logger())
        try await channel.connect()
        #expect(await server.waitForFrames { !$0.isEmpty })
        let count = 512, size = 16 * 1024  // 8 MiB
        let payload = { (i: Int) -> [UInt8] in [UInt8](repeating: UInt8(truncatingIfNeeded: i), count: size) }
        try await server.send((0..<count).map { server.binary(Self.output(Int64($0), payload($0))) }, wait: false)

        func acknowledged() -> Int {
            server.frames.compactMap(Self.decoded).filter { $0.messageType == .acknowledge }.count
        }
        try await Task.sleep(for: .milliseconds(800))
        let acknowledgedWhileStalled = acknowledged()
        // Reading stopped soon after 64 KiB waited for the application (plus what one socket read brings).
        #expect(acknowledgedWhileStalled < count / 4, "the client read \(acknowledgedWhileStalled) of \(count) messages without anyone consuming them")

        var events = channel.events.makeAsyncIterator()
        var received = 0
        while received < count, let event = await events.next() {
            guard case .data(.output, let bytes) = event else { continue }
            #expect(bytes == payload(received), "message \(received) differs")
            received += 1
        }
        #expect(received == count)
        #expect(await server.waitForFrames { _ in acknowledged() == count })
        await channel.close()
        await server.shutdown()
    }

    @Test("a message over the size limit closes the socket with 1009 and is reported, not delivered")
    func oversizedMessageIsRefused() async throws {
        let (server, channel) = try await Self.connectedClient()
        try await server.send([server.binary(Self.output(0, [UInt8](repeating: 0x41, count: 2 << 20)))], wait: false)
        var events = channel.events.makeAsyncIterator()
        let event = await events.next()
        guard case .disconnected(let error?) = event else {
            Issue.record("expected disconnected, got \(String(describing: event))")
            return
        }
        #expect("\(error)".contains("lost"), "\(error)")
        #expect(await server.waitForFrames { $0.last?.opcode == .connectionClose })
        #expect(server.frames.last.map { Array($0.data.prefix(2)) } == [0x03, 0xF1])  // 1009: message too big
        #expect(await channel.counters.bytesDelivered == 0)
        await channel.close()
        await server.shutdown()
    }

    @Test("a masked frame from the server (RFC 6455 section 5.1) closes the socket with 1002; what came before it is delivered")
    func maskedServerFrameIsRefused() async throws {
        let (server, channel) = try await Self.connectedClient()
        var masked = server.binary(Self.output(1, Array("masked".utf8)))
        masked.maskKey = WebSocketMaskingKey([1, 2, 3, 4])
        try await server.send([server.binary(Self.output(0, Array("first".utf8))), masked], wait: false)
        var events = channel.events.makeAsyncIterator()
        var delivered: [UInt8] = []
        var ended: (any Error)?
        while ended == nil, let event = await events.next() {
            switch event {
            case .data(_, let bytes): delivered += bytes
            case .disconnected(let error?): ended = error
            default: break
            }
        }
        #expect(delivered == Array("first".utf8))
        #expect(ended.map { "\($0)".contains("masked") } == true, "\(String(describing: ended))")
        #expect(await server.waitForFrames { $0.last?.opcode == .connectionClose })
        #expect(server.frames.last.map { Array($0.data.prefix(2)) } == [0x03, 0xEA])  // 1002: protocol error
        await channel.close()
        await server.shutdown()
    }
}
