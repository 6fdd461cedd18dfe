import NIOCore
import SessionCore

/// Reads a relayed data-channel socket's WebSocket frames straight from its bytes, ahead of NIO's frame decoder, and
/// hands each whole binary message to the socket's `RelayFrameHandler`: no decode loop, `WebSocketFrame` or `NIOAny`
/// box per message (NIO's decoder and the boxing were about a tenth of gangwayd's time on a keystroke).
///
/// Everything else — text, control frames, fragmented messages, unmasked or reserved-bit frames, a message over the
/// limit — goes on to NIO's decoder as the bytes it arrived as, whole frames at a time, so the WebSocket layer and
/// `RelayFrameHandler` treat it as before (pings answered, an oversized message closes the connection with 1009).
///
/// Taking over: the reader is added when the relay starts, when NIO's decoder may hold the start of a frame. Until
/// then (`following`) it passes every read on and checks, after the decoder is done with it, whether the read was
/// exactly whole frames — the frames it reads in the bytes are the frames the decoder produced, header for header
/// (`RelayFrameHandler.observed`). Then the decoder holds nothing, and the reader reads from the next byte on. If no
/// read ever lines up (a peer streaming large frames without a pause), the decoder keeps the socket, as before.
/// A peer could only line up a read by design that the decoder did not finish; its own connection is all it could
/// garble, and what it sends is checked by the relay as any frame.
final class RelayWireReader: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let relay: RelayFrameHandler

    private enum Mode { case following, reading, decoderOnly }
    private var mode = Mode.following
    /// Reading: the start of a binary message not all read yet, from its header on.
    private var partial: ByteBuffer?
    /// Reading: bytes of a frame whose start went to NIO's decoder that must follow it there.
    private var passOn = 0
    /// Reading: a fragmented message is going to NIO's decoder; its frames (and anything between them) follow it.
    private var fragmentsToDecoder = false
    /// The headers of the frames in the read being followed, when it is exactly whole frames. Kept between reads.
    private var expected: [WebSocketWireHeader] = []

    init(relay: RelayFrameHandler) { self.relay = relay }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch mode {
        case .decoderOnly:
            context.fireChannelRead(data)
        case .following:
            follow(unwrapInboundIn(data), context: context)
        case .reading:
            read(unwrapInboundIn(data), context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        partial = nil
        context.fireChannelInactive()
    }

    // MARK: following NIO's decoder

    private func follow(_ bytes: ByteBuffer, context: ChannelHandlerContext) {
        let whole = Self.wholeFrames(bytes, into: &expected)
        relay.observed.removeAll(keepingCapacity: true)
        relay.observing = whole
        context.fireChannelRead(wrapInboundOut(bytes))
        if whole, relay.observed == expected, !relay.assemblingFragments { mode = .reading }
        relay.observing = false
    }

    /// True when `bytes` is one or more whole frames and nothing more; their headers in `headers`. Gives up after
    /// `maxFrames` (a read from the middle of a large frame would otherwise be read as many small "frames").
    static func wholeFrames(_ bytes: ByteBuffer, into headers: inout [WebSocketWireHeader], maxFrames: Int = 64) -> Bool {
        headers.removeAll(keepingCapacity: true)
        return bytes.withUnsafeReadableBytes { raw in
            var at = 0
            while at < raw.count {
                guard headers.count < maxFrames else { return false }
                guard let header = WebSocketWireHeader.read(UnsafeRawBufferPointer(rebasing: raw[at...])),
                      header.payloadLength <= UInt64(raw.count - at - header.headerBytes) else { return false }
                headers.append(header)
                at += header.headerBytes + Int(header.payloadLength)
            }
            return !headers.isEmpty
        }
    }

    // MARK: reading

    private func read(_ bytes: ByteBuffer, context: ChannelHandlerContext) {
        var buffer = bytes
        if var earlier = partial.take() {  // what came before, then this read
            earlier.writeBuffer(&buffer)
            buffer = earlier
        }
        while buffer.readableBytes > 0 {
            if passOn > 0 {
                let n = min(passOn, buffer.readableBytes)
                passOn -= n
                context.fireChannelRead(wrapInboundOut(buffer.readSlice(length: n)!))
                continue
            }
            guard let header = buffer.withUnsafeReadableBytes({ WebSocketWireHeader.read($0) }) else {
                partial = buffer  // not all of the header yet
                return
            }
            guard header.payloadLength <= UInt64(relay.maxMessageBytes) else {
                // NIO's decoder refuses it and the connection closes: from here on everything is the decoder's.
                mode = .decoderOnly
                context.fireChannelRead(wrapInboundOut(buffer))
                return
            }
            let frameBytes = header.headerBytes + Int(header.payloadLength)
            if !fragmentsToDecoder, header.fin, header.opcode == 0x2, header.reservedBits == 0, let key = header.maskKeyBytes {
                guard buffer.readableBytes >= frameBytes else {
                    partial = buffer  // the message's bytes are not all here yet
                    return
                }
                let payload = buffer.getSlice(at: buffer.readerIndex + header.headerBytes, length: Int(header.payloadLength))!
                buffer.moveReaderIndex(forwardBy: frameBytes)
                relay.wireMessage(payload: payload, maskKey: key)
            } else {
                // NIO's decoder's, whole: the part here now, the rest as it arrives.
                if header.opcode == 0x1 || header.opcode == 0x2 { fragmentsToDecoder = !header.fin }
                if header.opcode == 0x0 && header.fin { fragmentsToDecoder = false }
                let n = min(frameBytes, buffer.readableBytes)
                passOn = frameBytes - n
                context.fireChannelRead(wrapInboundOut(buffer.readSlice(length: n)!))
            }
        }
    }
}
