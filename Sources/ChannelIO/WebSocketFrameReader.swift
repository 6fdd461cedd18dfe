import NIOCore
import NIOWebSocket

/// Reads the frames a WebSocket server sends (RFC 6455 §5) straight from the socket's bytes and puts fragmented
/// messages together. I/O-free: `read` takes what one socket read brought and returns the complete messages in it,
/// as slices of that buffer (no copy unless a frame spans reads or a message is fragmented).
///
/// It replaces NIO's frame decoder and fragment aggregator on the data channel's client socket: two handlers, a
/// `WebSocketFrame` and an `NIOAny` box per frame, and the decoder's own buffer, for what is at most a couple of
/// frames per read while someone types (one keystroke's echo and its acknowledgement).
///
/// Strict where the RFC says a client must fail the connection: reserved bits without an extension, a masked frame
/// (§5.1), an unknown opcode, a fragmented or long control frame (§5.5), a continuation with no message started or
/// a new message inside a fragmented one (§5.4). A message over `maxMessageBytes` fails as soon as its header says
/// so, before any of it is buffered.
struct WebSocketFrameReader {
    enum Message: Equatable {
        case binary(ByteBuffer)
        case text(ByteBuffer)
        case ping(ByteBuffer)
        case pong
        case close(ByteBuffer)
    }

    enum Failure: Error, Equatable, CustomStringConvertible {
        /// Close with 1002.
        case protocolError(String)
        /// Close with 1009.
        case messageTooBig(bytes: UInt64, limit: Int)

        var closeCode: WebSocketErrorCode {
            switch self {
            case .protocolError: .protocolError
            case .messageTooBig: .messageTooLarge
            }
        }

        var description: String {
            switch self {
            case .protocolError(let why): "WebSocket protocol error from the server: \(why)"
            case .messageTooBig(let bytes, let limit): "the server sent a \(bytes)-byte message (limit \(limit))"
            }
        }
    }

    let maxMessageBytes: Int
    /// The start of a frame whose bytes have not all arrived.
    private var partial: ByteBuffer?
    /// A fragmented message being put together, and whether it is text.
    private var fragments: ByteBuffer?
    private var fragmentsAreText = false
    /// After a failure nothing more is read.
    private var failed = false

    init(maxMessageBytes: Int) { self.maxMessageBytes = maxMessageBytes }

    /// Adds the bytes of one socket read; passes each complete message to `each`, in order. Throws at the first
    /// frame that breaks the protocol (messages before it were passed on); every later call throws the same way.
    mutating func read(_ bytes: ByteBuffer, _ each: (Message) -> Void) throws(Failure) {
        guard !failed else { throw .protocolError("read after a failure") }
        var buffer: ByteBuffer
        if var earlier = partial.take() {
            var more = bytes
            earlier.writeBuffer(&more)
            buffer = earlier
        } else {
            buffer = bytes
        }
        do throws(Failure) {
            while let message = try nextFrame(&buffer) {
                if let message { each(message) }
            }
        } catch {
            failed = true
            partial = nil
            fragments = nil
            throw error
        }
        if buffer.readableBytes > 0 { partial = buffer }
    }

    /// Takes one whole frame off `buffer`: nil when its bytes are not all there yet (nothing taken); `.some(nil)`
    /// for a fragment that does not complete a message.
    private mutating func nextFrame(_ buffer: inout ByteBuffer) throws(Failure) -> Message?? {
        let available = buffer.readableBytes
        guard available >= 2, let b0 = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
              let b1 = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt8.self) else { return nil }
        let fin = b0 & 0x80 != 0
        let opcode = b0 & 0x0F
        guard b0 & 0x70 == 0 else { throw .protocolError("reserved bits set (no extension was agreed)") }
        guard b1 & 0x80 == 0 else { throw .protocolError("a masked frame (servers do not mask, RFC 6455 §5.1)") }
        let isControl = opcode & 0x08 != 0
        var headerBytes = 2
        var length = UInt64(b1 & 0x7F)
        if length == 126 {
            guard available >= 4, let l = buffer.getInteger(at: buffer.readerIndex + 2, as: UInt16.self) else { return nil }
            length = UInt64(l)
            headerBytes = 4
        } else if length == 127 {
            guard available >= 10, let l = buffer.getInteger(at: buffer.readerIndex + 2, as: UInt64.self) else { return nil }
            length = l
            headerBytes = 10
        }
        if isControl {
            guard fin else { throw .protocolError("a fragmented control frame") }
            guard length <= 125 else { throw .protocolError("a control frame of \(length) bytes (at most 125)") }
        }
        let sofar = opcode == 0 ? UInt64(fragments?.readableBytes ?? 0) : 0
        guard length <= UInt64(maxMessageBytes) - min(sofar, UInt64(maxMessageBytes)) else {
            throw .messageTooBig(bytes: sofar + length, limit: maxMessageBytes)
        }
        guard available - headerBytes >= Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: headerBytes)
        let payload = buffer.readSlice(length: Int(length))!
        switch opcode {
        case 0x1, 0x2:
            guard fragments == nil else { throw .protocolError("a new message before the fragmented one ended") }
            if fin { return .some(opcode == 0x2 ? .binary(payload) : .text(payload)) }
            fragments = payload
            fragmentsAreText = opcode == 0x1
            return .some(nil)
        case 0x0:
            guard var whole = fragments.take() else { throw .protocolError("a continuation frame with no message started") }
            var more = payload
            whole.writeBuffer(&more)
            if !fin {
                fragments = whole
                return .some(nil)
            }
            return .some(fragmentsAreText ? .text(whole) : .binary(whole))
        case 0x8: return .some(.close(payload))
        case 0x9: return .some(.ping(payload))
        case 0xA: return .some(.pong)
        default: throw .protocolError("unknown opcode \(opcode)")
        }
    }
}
