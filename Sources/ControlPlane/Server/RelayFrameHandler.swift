import Foundation
import NIOCore
import NIOWebSocket
import SessionCore

/// Relays a data-channel socket's binary frames on its event loop, in the NIO pipeline, without a task per frame:
/// a frame read from the client is decoded by NIO's WebSocket decoder (or, once `RelayWireReader` has taken over,
/// read straight from the socket's bytes and passed to `wireMessage`), routed by the `SessionRelay`, recorded and
/// written to the agent's channel in the same turn of the loop (and the other way round). The socket task
/// (`DataChannelSocket`) keeps the WebSocket's own work (the opening frame, ping/pong, close) and everything the
/// socket received before this handler took over.
///
/// Hand-over without reordering: the handler is added after the frame decoder and at once passes a marker frame
/// (random bytes no peer can send, since peers' frames stop here) up to the socket task, behind whatever frames the
/// task has buffered; it holds the frames it intercepts, and NIO's reads, until the task reaches the marker and
/// calls `goLive()`.
///
/// Frames routed during one socket read are written to the peer with one flush at `channelReadComplete`, framed here
/// and written just below NIO's frame encoder (`RelayFrameOutput`), so the write does not pass the pipeline's other
/// handlers, box a `WebSocketFrame` or allocate a promise per frame. A whole message is unmasked on arrival into a
/// buffer that holds its outgoing header in front (`relayFrame`), and leaves as that one buffer.
///
/// Back-pressure: a handler stops NIO's reads on its socket while the peer's socket is not writable (until the write
/// that found it so completes), and an agent's handler also while the client has the whole acknowledgement budget
/// unacknowledged (`SessionRelay.whenClientBudgetHasRoom`). So gangwayd holds at most about a socket read's worth of
/// frames beyond the peer's NIO write buffer.
///
/// Liveness: the WebSocket layer pings every socket (`ControlPlaneConfig.webSocketPingSeconds`) and closes one whose
/// pong has not come by the next ping. On a relayed socket a pong queues behind the data before it, so that alone
/// cut live peers: an agent whose socket gangwayd stopped reading (flow control: a slow client), and a client reading
/// slowly through megabytes of output (acknowledging as it goes). So a ping counts as answered here (a pong is handed
/// up) when the peer sends any frame after it, and while this handler is not reading the socket. A peer that sends
/// nothing while gangwayd reads, a dead one, is still closed. (A ping gangwayd cannot write, to a peer that takes
/// nothing, waits in the WebSocket layer, which judges nothing meanwhile.)
final class RelayFrameHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let side: DataChannelSocket.Side
    private let peerId: UUID
    private let relay: SessionRelay
    private let recording: any SessionRecording
    private let clock: any ControlPlaneClock
    let maxMessageBytes: Int
    private let endSession: @Sendable (RelayEndCause) -> Void
    /// The session's end was asked for (once is enough: later frames of an ending session ask again).
    private var endAsked = false
    let marker: ByteBuffer

    private var context: ChannelHandlerContext?
    private var live = false
    /// Whole messages intercepted before `goLive()` or while the client's budget is full.
    private var held: [ByteBuffer] = []
    /// A fragmented binary message being put together (continuation frames of a message this handler started).
    private var fragments: ByteBuffer?
    private var budgetPaused = false
    private var writePaused = false
    private var readPending = false
    /// Frames routed during the current read and the peer channel they go to; written at `channelReadComplete`
    /// (or when a frame for another channel comes: the peer was replaced). Kept, with its capacity, between reads.
    private var outboxChannel: (any Channel)?
    private var outbox: [ByteBuffer] = []
    /// The last peer channel written to and its `RelayFrameOutput` context (used only on that channel's loop while
    /// it is active; the strong reference keeps another channel from taking its identity).
    private var peerOutput: (channel: any Channel, context: ChannelHandlerContext)?
    /// While `RelayWireReader` checks that NIO's decoder is at a frame boundary: the headers of the frames the
    /// decoder produced during one socket read (`observed`).
    var observing = false
    var observed: [WebSocketWireHeader] = []
    /// Messages from `RelayWireReader` since the last read-complete (added to the relay's counters there).
    private var wireMessages = 0
    /// The payload of the WebSocket layer's last ping on this socket while neither a pong nor any other frame has
    /// come since (see Liveness above).
    private var unansweredPing: ByteBuffer?

    init(side: DataChannelSocket.Side, peerId: UUID, relay: SessionRelay, recording: any SessionRecording,
         clock: any ControlPlaneClock, maxMessageBytes: Int, endSession: @escaping @Sendable (RelayEndCause) -> Void) {
        self.side = side
        self.peerId = peerId
        self.relay = relay
        self.recording = recording
        self.clock = clock
        self.maxMessageBytes = maxMessageBytes
        self.endSession = endSession
        var marker = ByteBuffer()
        marker.writeString("gangway-relay-handover:")
        for _ in 0..<4 { marker.writeInteger(UInt64.random(in: .min ... .max)) }
        self.marker = marker
    }

    /// Adds a handler after `channel`'s WebSocket frame decoder and sends the marker towards the socket task. Must run
    /// on the channel's event loop.
    static func install(on channel: any Channel, _ handler: RelayFrameHandler) throws {
        // A relayed frame leaves at once, even while an earlier one is unacknowledged (Nagle would hold a keystroke's
        // echo behind the acknowledgement flushed just before it, until the peer's delayed ACK).
        try? channel.syncOptions?.setOption(.tcpOption(.tcp_nodelay), value: 1)
        let ops = channel.pipeline.syncOperations
        let decoder = try ops.handler(type: ByteToMessageHandler<WebSocketFrameDecoder>.self)
        try ops.addHandler(handler, position: .after(decoder))
        try ops.addHandler(RelayWireReader(relay: handler), position: .before(decoder))
        // Where the peer's handler writes framed messages to this socket. Without it (no encoder found) frames go
        // through the pipeline as WebSocketFrames.
        if let encoder = try? ops.handler(type: WebSocketFrameEncoder.self) {
            try ops.addHandler(RelayFrameOutput(), position: .before(encoder))
        }
        handler.sendMarker()
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) {
        flushOutbox(context: context)
        self.context = nil
    }

    private func sendMarker() {
        guard let context else { return }
        context.fireChannelRead(wrapInboundOut(WebSocketFrame(fin: true, opcode: .binary, data: marker)))
        // NIO's async channel hands reads to the task at read-complete; without it the marker would wait for the
        // next socket read, which this handler holds until the marker arrives.
        context.fireChannelReadComplete()
    }

    /// The socket task has handled every frame before the marker: relay the held frames and from now on each one
    /// as it arrives.
    func goLive() {
        guard !live, let context else { return }
        live = true
        if side == .agent { checkBudget(context: context) }
        relayHeld(context: context)
    }

    /// Relays held messages until none is left or the client's budget is full again.
    private func relayHeld(context: ChannelHandlerContext) {
        var next = 0
        while next < held.count && !budgetPaused {
            route(held[next], context: context)
            next += 1
        }
        held.removeFirst(next)
        flushOutbox(context: context)
        resumeReadsIfPossible(context: context)
    }

    // MARK: inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if observing { observed.append(Self.wireHeader(of: frame)) }
        // Any frame, a pong included (it may answer an earlier ping than the one waiting), shows the peer is there.
        peerIsAlive(context: context)
        switch frame.opcode {
        case .binary where frame.fin:
            message(Self.relayFrame(frame, allocator: context.channel.allocator), context: context)
        case .binary:
            fragments = Self.unmasked(frame)
        case .continuation where fragments != nil:
            var data = Self.unmasked(frame)
            fragments!.writeBuffer(&data)
            if fragments!.readableBytes > maxMessageBytes {
                fragments = nil
                let close = WebSocketFrame(fin: true, opcode: .connectionClose,
                                           data: closeData(.messageTooLarge, reason: "message over \(maxMessageBytes) bytes"))
                let channel = context.channel
                context.writeAndFlush(wrapOutboundOut(close)).whenComplete { _ in channel.close(promise: nil) }
                return
            }
            if frame.fin, let whole = fragments {
                fragments = nil
                message(whole, context: context)
            }
        default:
            // Text (a data channel sends only the opening frame as text), control frames and continuations of a
            // message that started before this handler: the WebSocket layer's.
            context.fireChannelRead(data)
        }
    }

    /// The frame's payload, unmasked eight bytes at a time (`WebSocketMask`; NIO's `unmaskedData` goes byte by byte).
    static func unmasked(_ frame: WebSocketFrame) -> ByteBuffer {
        guard let key = frame.maskKey, frame.extensionData == nil else { return frame.unmaskedData }
        var data = frame.data
        data.withUnsafeMutableReadableBytes { WebSocketMask.apply(key: (key[0], key[1], key[2], key[3]), to: $0) }
        return data
    }

    /// A whole binary message, unmasked into a new buffer laid out as the server frame that relays it: the unmasked
    /// WebSocket header the peer's socket needs, then the payload, with the reader index at the payload (what the
    /// relay decodes and records). `write` sends it from the header on (`headerInFront`). One allocation and one
    /// copy per relayed frame: unmasking in place copies the payload out of the decoder's shared buffer first, and
    /// the header was a buffer of its own.
    static func relayFrame(_ frame: WebSocketFrame, allocator: ByteBufferAllocator) -> ByteBuffer {
        guard frame.extensionData == nil else { return unmasked(frame) }
        return relayFrame(payload: frame.data, maskKey: frame.maskKey.map { ($0[0], $0[1], $0[2], $0[3]) },
                          allocator: allocator)
    }

    /// `relayFrame` for a payload read straight off the wire (`RelayWireReader`), still masked with `maskKey`.
    static func relayFrame(payload: ByteBuffer, maskKey key: (UInt8, UInt8, UInt8, UInt8)?,
                           allocator: ByteBufferAllocator) -> ByteBuffer {
        var data = payload
        let length = data.readableBytes
        var out = allocator.buffer(capacity: WebSocketFrameHeader.maxBytes + length)
        let headerBytes = out.writeWithUnsafeMutableBytes(minimumWritableBytes: WebSocketFrameHeader.maxBytes) {
            WebSocketFrameHeader.write(opcode: 0x2, payloadLength: length, masked: false, into: $0)  // binary
        }
        out.moveReaderIndex(forwardBy: headerBytes)
        out.writeBuffer(&data)
        if let key {
            out.withUnsafeMutableReadableBytes { WebSocketMask.apply(key: key, to: $0) }
        }
        return out
    }

    /// The wire header a decoded frame came with (what `RelayWireReader` compares with its own reading).
    static func wireHeader(of frame: WebSocketFrame) -> WebSocketWireHeader {
        let first = (frame.fin ? 0x80 : 0) | (frame.rsv1 ? 0x40 : 0) | (frame.rsv2 ? 0x20 : 0) | (frame.rsv3 ? 0x10 : 0)
            | UInt8(webSocketOpcode: frame.opcode)
        let key = frame.maskKey.map { UInt32($0[0]) << 24 | UInt32($0[1]) << 16 | UInt32($0[2]) << 8 | UInt32($0[3]) }
        let length = frame.length
        let lengthBytes = length < 126 ? 0 : length <= Int(UInt16.max) ? 2 : 8
        return WebSocketWireHeader(firstByte: first, maskKey: key, payloadLength: UInt64(length),
                                   headerBytes: 2 + lengthBytes + (key == nil ? 0 : 4))
    }

    /// A whole binary message `RelayWireReader` read off the socket: relayed like one from NIO's decoder.
    func wireMessage(payload: ByteBuffer, maskKey: (UInt8, UInt8, UInt8, UInt8)?) {
        guard let context else { return }
        wireMessages += 1
        peerIsAlive(context: context)
        message(Self.relayFrame(payload: payload, maskKey: maskKey, allocator: context.channel.allocator), context: context)
    }

    /// True while a fragmented binary message is being put together from NIO's decoder's frames.
    var assemblingFragments: Bool { fragments != nil }

    /// `frame` from its WebSocket header on, when the bytes just before its reader index are exactly the unmasked
    /// binary header its length needs (`relayFrame` put them there); nil otherwise (the caller frames it).
    static func headerInFront(_ frame: ByteBuffer) -> ByteBuffer? {
        var scratch: (UInt64, UInt64) = (0, 0)
        return withUnsafeMutableBytes(of: &scratch) { header -> ByteBuffer? in
            let n = WebSocketFrameHeader.write(opcode: 0x2, payloadLength: frame.readableBytes, masked: false, into: header)
            let start = frame.readerIndex - n
            guard start >= 0 else { return nil }
            let same = frame.withVeryUnsafeBytes { all in
                all[start..<frame.readerIndex].elementsEqual(UnsafeRawBufferPointer(rebasing: header[0..<n]))
            }
            guard same else { return nil }
            var framed = frame
            framed.moveReaderIndex(to: start)
            return framed
        }
    }

    private func closeData(_ code: WebSocketErrorCode, reason: String) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.write(webSocketErrorCode: code)
        buffer.writeString(reason)
        return buffer
    }

    private func message(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        // Held while the socket task has not reached the marker, and (agent side) while the client's budget is full:
        // a socket read can bring more frames than the budget has room for.
        if live && !budgetPaused && held.isEmpty { route(buffer, context: context) } else { held.append(buffer) }
    }

    private func route(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        let route = relay.take(buffer, from: side, now: clock.now(), recording: recording)
        if let peer = route.to, let frame = route.frame {
            forward(frame, to: peer)
        }
        if let cause = route.endCause, !endAsked {
            endAsked = true
            endSession(cause)
        }
        if side == .agent { checkBudget(context: context) }
    }

    private func forward(_ frame: ByteBuffer, to peer: RelayPeer) {
        let relay = self.relay
        guard let channel = peer.channel else {
            // A peer without a channel (only in tests): through its WebSocket writer.
            Task {
                do { try await peer.writer.writeBinaryMessage(frame) } catch { relay.writeFailed() }
            }
            return
        }
        if let current = outboxChannel, current !== channel, let context { flushOutbox(context: context) }
        outboxChannel = channel
        outbox.append(frame)
    }

    /// Writes what this read's frames routed with one flush (one writev), and on the peer's loop one hand-over for
    /// the batch rather than one per frame (an agent's echo and its acknowledgement usually arrive together).
    private func flushOutbox(context: ChannelHandlerContext) {
        guard let channel = outboxChannel, !outbox.isEmpty else { return }
        let relay = self.relay
        let written: EventLoopFuture<Void>?
        if channel.eventLoop.inEventLoop {
            written = Self.write(outbox, to: channel, output: output(of: channel), relay: relay)
        } else {
            let frames = outbox
            written = channel.eventLoop.flatSubmit {
                let output = try? channel.pipeline.syncOperations.context(handlerType: RelayFrameOutput.self)
                return Self.write(frames, to: channel, output: output, relay: relay) ?? channel.eventLoop.makeSucceededVoidFuture()
            }
        }
        outbox.removeAll(keepingCapacity: true)
        // The peer's NIO buffer is over its high-water mark: read no more from this socket until it drained to
        // the frames just written.
        if let written, !channel.isWritable, !writePaused {
            writePaused = true
            peerIsAlive(context: context)  // not heard while this socket is not read
            let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
            let loop = context.eventLoop
            written.whenComplete { _ in
                loop.execute {
                    let handler = bound.value
                    handler.writePaused = false
                    if let context = handler.context { handler.resumeReadsIfPossible(context: context) }
                }
            }
        }
    }

    /// `channel`'s `RelayFrameOutput` context; call on its loop.
    private func output(of channel: any Channel) -> ChannelHandlerContext? {
        guard channel.isActive else { return nil }
        if let cached = peerOutput, cached.channel === channel { return cached.context }
        guard let found = try? channel.pipeline.syncOperations.context(handlerType: RelayFrameOutput.self) else {
            return nil
        }
        peerOutput = (channel, found)
        return found
    }

    /// Writes `frames` as binary WebSocket messages to `channel` and flushes; on its loop. Through `output` (the
    /// peer's `RelayFrameOutput` context) when there is one, else through the whole pipeline. Returns when the last
    /// frame was written to the socket, or nil when the batch was not tracked (see below).
    private static func write(_ frames: [ByteBuffer], to channel: any Channel, output: ChannelHandlerContext?,
                              relay: SessionRelay) -> EventLoopFuture<Void>? {
        // A promise (an allocation, a future and a callback) only when its completion may be needed: the peer's
        // buffer is already over its high-water mark, or the batch is big enough to push it there. A keystroke's
        // frames to a writable peer go without one; if they do tip it over, the next batch sees it and waits.
        var done: EventLoopPromise<Void>?
        if !channel.isWritable || frames.reduce(0, { $0 + $1.readableBytes }) >= Self.trackedBatchBytes {
            let promise = channel.eventLoop.makePromise(of: Void.self)
            promise.futureResult.whenFailure { _ in relay.writeFailed() }
            done = promise
        } else if !channel.isActive {
            relay.writeFailed()  // the peer just went; the sender resends what was not acknowledged
            return nil
        }
        guard let output else {
            for (i, frame) in frames.enumerated() {
                channel.write(WebSocketFrame(fin: true, opcode: .binary, data: frame),
                              promise: i == frames.count - 1 ? done : nil)
            }
            channel.flush()
            return done?.futureResult
        }
        for (i, frame) in frames.enumerated() {
            let promise = i == frames.count - 1 ? done : nil
            if let framed = headerInFront(frame) {
                output.write(NIOAny(framed), promise: promise)
                continue
            }
            let copy = frame.readableBytes < RelayFrameOutput.copyBelow
            var header = channel.allocator.buffer(capacity: WebSocketFrameHeader.maxBytes + (copy ? frame.readableBytes : 0))
            header.writeWithUnsafeMutableBytes(minimumWritableBytes: WebSocketFrameHeader.maxBytes) {
                WebSocketFrameHeader.write(opcode: 0x2, payloadLength: frame.readableBytes, masked: false, into: $0)  // binary
            }
            if copy {
                header.writeImmutableBuffer(frame)
                output.write(NIOAny(header), promise: promise)
            } else {
                output.write(NIOAny(header), promise: nil)
                output.write(NIOAny(frame), promise: promise)
            }
        }
        output.flush()
        return done?.futureResult
    }

    /// Batches from this size on are written with a completion promise even to a writable peer.
    static let trackedBatchBytes = 16 << 10

    func channelReadComplete(context: ChannelHandlerContext) {
        if wireMessages > 0 {  // counted before the messages leave, so whoever receives them sees them counted
            relay.readOffWire(wireMessages)
            wireMessages = 0
        }
        flushOutbox(context: context)
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        flushOutbox(context: context)
        context.fireChannelInactive()
    }

    /// Agent side: pause reading while the client has the whole budget unacknowledged; the relay calls back when an
    /// acknowledgement (or a detach or the session's end) may have made room.
    private func checkBudget(context: ChannelHandlerContext) {
        guard live, !budgetPaused else { return }
        // The usual answer, without making the wake-up closure (an allocation per frame from the agent).
        if relay.clientBudgetHasRoom(agentId: peerId) { return }
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loop = context.eventLoop
        let room = relay.whenClientBudgetHasRoom(agentId: peerId) {
            loop.execute {
                let handler = bound.value
                handler.budgetPaused = false
                guard let context = handler.context else { return }
                handler.checkBudget(context: context)
                handler.relayHeld(context: context)
            }
        }
        if !room {
            budgetPaused = true
            peerIsAlive(context: context)  // not heard while this socket is not read
        }
    }

    // MARK: liveness

    /// The peer sent a frame, or this socket is no longer read: a ping waiting for its pong counts as answered.
    private func peerIsAlive(context: ChannelHandlerContext) {
        guard let ping = unansweredPing else { return }
        unansweredPing = nil
        answer(ping, context: context)
    }

    /// Hands the WebSocket layer the pong its auto-ping waits for (it matches the ping's payload).
    private func answer(_ ping: ByteBuffer, context: ChannelHandlerContext) {
        context.fireChannelRead(wrapInboundOut(WebSocketFrame(fin: true, opcode: .pong, data: ping)))
        // NIO's async channel hands reads to the socket task at read-complete.
        context.fireChannelReadComplete()
    }

    // MARK: outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let frame = unwrapOutboundIn(data)
        context.write(data, promise: promise)
        guard frame.opcode == .ping else { return }
        if !readsHeld {
            unansweredPing = frame.data
        } else {
            // Not reading this socket now: its pong could not arrive. Answered after this write, from the loop (not
            // inside the WebSocket layer's write call).
            unansweredPing = nil
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let ping = frame.data
            context.eventLoop.execute {
                let (handler, context) = bound.value
                if handler.context != nil { handler.answer(ping, context: context) }
            }
        }
    }

    /// Reads from this socket are held: until the socket task reached the marker, while the client's budget is full
    /// (agent side), while the peer's socket is not writable.
    private var readsHeld: Bool { !live || budgetPaused || writePaused }

    func read(context: ChannelHandlerContext) {
        if readsHeld {
            readPending = true
        } else {
            context.read()
        }
    }

    private func resumeReadsIfPossible(context: ChannelHandlerContext) {
        guard !readsHeld, readPending else { return }
        readPending = false
        context.read()
    }
}

/// A pass-through point just before NIO's WebSocket frame encoder on a relayed socket: the peer's `RelayFrameHandler`
/// writes framed binary messages (ByteBuffers) through this handler's context, so they go straight to TLS or the
/// socket. Frames from gangwayd are never masked (RFC 6455 §5.1: only a client masks).
final class RelayFrameOutput: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Payloads shorter than this are copied behind their header (one buffer, one iovec); longer ones are written
    /// as they are, after a separate header (`WebSocketFrameHeader`, unmasked).
    static let copyBelow = 1024
}
