@testable import ChannelIO
import NIOCore
import Testing

/// The data channel client's own WebSocket frame reader, on bytes written here field by field from RFC 6455 §5.2.
@Suite("WebSocket frame reader")
struct WebSocketFrameReaderTests {
    typealias Message = WebSocketFrameReader.Message

    /// One server frame: FIN bit, opcode, unmasked payload, the shortest length encoding unless `length16`/`64`.
    static func frame(_ opcode: UInt8, _ payload: [UInt8], fin: Bool = true, rsv: UInt8 = 0, mask: Bool = false,
                      force64: Bool = false) -> [UInt8] {
        var out: [UInt8] = [(fin ? 0x80 : 0) | rsv | opcode]
        let maskBit: UInt8 = mask ? 0x80 : 0
        if payload.count < 126 && !force64 {
            out.append(maskBit | UInt8(payload.count))
        } else if payload.count <= 0xFFFF && !force64 {
            out += [maskBit | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            out.append(maskBit | 127)
            out += (0..<8).reversed().map { UInt8((UInt64(payload.count) >> (8 * UInt64($0))) & 0xFF) }
        }
        if mask { out += [0, 0, 0, 0] }
        return out + payload
    }

    static func bytes(_ n: Int, seed: UInt8) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31) ^ seed } }

    static func buffer(_ bytes: some Sequence<UInt8>) -> ByteBuffer { ByteBuffer(bytes: Array(bytes)) }

    /// Feeds `stream` in the given chunk sizes (cycled); returns the messages, or the failure.
    static func read(_ stream: [UInt8], chunks: [Int], limit: Int = 1 << 20) -> ([Message], WebSocketFrameReader.Failure?) {
        var reader = WebSocketFrameReader(maxMessageBytes: limit)
        var messages: [Message] = []
        var offset = 0
        var i = 0
        while offset < stream.count {
            let n = min(max(1, chunks[i % chunks.count]), stream.count - offset)
            i += 1
            do { try reader.read(buffer(stream[offset..<(offset + n)])) { messages.append($0) } } catch {
                return (messages, error)
            }
            offset += n
        }
        return (messages, nil)
    }

    @Test("frames of every length encoding, pings inside a fragmented message and a close read the same however the socket splits the bytes")
    func anySplitReadsTheSameMessages() {
        let small = Self.bytes(5, seed: 1), mid = Self.bytes(300, seed: 2), big = Self.bytes(70_000, seed: 3)
        let stream = Self.frame(0x2, small) + Self.frame(0x2, mid) + Self.frame(0x2, big)
            + Self.frame(0x2, [], force64: true)
            + Self.frame(0x1, Array("he".utf8), fin: false) + Self.frame(0x9, [7]) + Self.frame(0x0, Array("ll".utf8), fin: false)
            + Self.frame(0xA, []) + Self.frame(0x0, Array("o".utf8))
            + Self.frame(0x2, mid.prefix(100).map { $0 }, fin: false) + Self.frame(0x0, Array(mid.suffix(200)))
            + Self.frame(0x8, [0x03, 0xE8] + Array("bye".utf8))
        let expected: [Message] = [
            .binary(Self.buffer(small)), .binary(Self.buffer(mid)), .binary(Self.buffer(big)), .binary(Self.buffer([])),
            .ping(Self.buffer([7])), .pong, .text(Self.buffer("hello".utf8)),
            .binary(Self.buffer(mid.prefix(100) + mid.suffix(200))),
            .close(Self.buffer([0x03, 0xE8] + Array("bye".utf8))),
        ]
        for chunks in [[stream.count], [1], [2], [3], [7], [125], [126, 1], [4096], [1, 9, 64, 1000, 3, 65_536]] {
            let (messages, failure) = Self.read(stream, chunks: chunks)
            #expect(failure == nil, "chunks \(chunks)")
            #expect(messages == expected, "chunks \(chunks): \(messages.count) messages")
        }
    }

    @Test("what RFC 6455 says a client must fail on is refused with 1002, messages before it still delivered")
    func protocolErrorsAreRefused() {
        let ok = Self.frame(0x2, [1, 2, 3])
        let cases: [(String, [UInt8])] = [
            ("reserved bit", Self.frame(0x2, [1], rsv: 0x40)),
            ("masked server frame", Self.frame(0x2, [1], mask: true)),
            ("unknown opcode", Self.frame(0x3, [1])),
            ("long control frame", Self.frame(0x9, Self.bytes(126, seed: 0))),
            ("fragmented control frame", Self.frame(0x9, [1], fin: false)),
            ("continuation with nothing started", Self.frame(0x0, [1])),
            ("new message inside a fragmented one", Self.frame(0x2, [1], fin: false) + Self.frame(0x2, [2])),
        ]
        for (name, bad) in cases {
            for chunks in [[4096], [1]] {
                let (messages, failure) = Self.read(ok + bad + ok, chunks: chunks)
                #expect(messages == [.binary(Self.buffer([1, 2, 3]))], "\(name)")
                #expect(failure?.closeCode == .protocolError, "\(name): \(String(describing: failure))")
            }
        }
    }

    @Test("a message over the limit is refused with 1009 from its header alone, whole or in fragments; the reader stays failed")
    func oversizedMessagesAreRefusedEarly() throws {
        let limit = 1000
        // Only the header of a 1001-byte frame: refused before any payload arrives.
        let header = Array(Self.frame(0x2, Self.bytes(limit + 1, seed: 0)).prefix(4))
        let (_, whole) = Self.read(header, chunks: [4096], limit: limit)
        #expect(whole == .messageTooBig(bytes: UInt64(limit + 1), limit: limit))
        // A 2^63-byte declared length does not overflow anything.
        let huge: [UInt8] = [0x82, 127, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        #expect(Self.read(huge, chunks: [4096], limit: limit).1?.closeCode == .messageTooLarge)
        // Exactly the limit passes; one more byte in a second fragment does not.
        let exact = Self.frame(0x2, Self.bytes(600, seed: 1), fin: false) + Self.frame(0x0, Self.bytes(400, seed: 2))
        #expect(Self.read(exact, chunks: [4096], limit: limit).0.count == 1)
        let over = Self.frame(0x2, Self.bytes(600, seed: 1), fin: false) + Self.frame(0x0, Self.bytes(401, seed: 2))
        #expect(Self.read(over, chunks: [4096], limit: limit).1 == .messageTooBig(bytes: 1001, limit: limit))

        var reader = WebSocketFrameReader(maxMessageBytes: limit)
        #expect(throws: WebSocketFrameReader.Failure.self) { try reader.read(Self.buffer(header)) { _ in } }
        #expect(throws: WebSocketFrameReader.Failure.self) { try reader.read(Self.buffer(Self.frame(0x2, [1]))) { _ in } }
    }

    @Test("the opening handshake's accept value is RFC 6455's worked example; a fresh random key per upgrader")
    func handshakeAcceptValue() {
        #expect(WebSocketClientUpgrader<Int>.acceptValue(for: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        let a = WebSocketClientUpgrader<Int>(upgraded: { $0.eventLoop.makeSucceededFuture(1) })
        let b = WebSocketClientUpgrader<Int>(upgraded: { $0.eventLoop.makeSucceededFuture(1) })
        #expect(a.requestKey != b.requestKey)
        #expect(a.requestKey.count == 24)
    }
}
