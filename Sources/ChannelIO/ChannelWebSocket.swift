import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import SessionCore
#if canImport(Glibc)
import Glibc
#endif

/// A data channel's client WebSocket on plain NIO handlers: frames are read, handed to `ChannelWebSocket.Events`
/// and written on the socket's event loop, with one flush per socket read (or per batch the owner writes outside a
/// read). No task, async stream or writer actor per frame: the owner (`DataChannelConnection`, whose actor runs on
/// the same loop) handles a frame in the turn of the loop that read it.
///
/// Everything but `connect` must be called on `eventLoop`.
final class ChannelWebSocket: Sendable {
    /// What the socket reports, always on its event loop, only after `start()`.
    struct Events: Sendable {
        /// One whole binary message (fragments put together). Return false to stop reading the socket until
        /// `resumeReading()`.
        var message: @Sendable (ByteBuffer) -> Bool
        /// The socket closed; `DataChannelError.closedByPeer` if the server sent a close frame.
        var closed: @Sendable (DataChannelError) -> Void
    }

    /// Where a ws(s):// URL points.
    struct Target: Sendable {
        var host: String
        var port: Int
        var secure: Bool
        /// Path and query, as sent in the request line.
        var requestURI: String

        init?(_ url: URL) {
            guard let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else { return nil }
            switch scheme {
            case "ws", "http": secure = false
            case "wss", "https": secure = true
            default: return nil
            }
            self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
            port = url.port ?? (secure ? 443 : 80)
            let path = url.path.isEmpty ? "/" : url.path
            requestURI = path + (url.query.map { "?\($0)" } ?? "")
        }

        var hostHeader: String {
            let h = host.contains(":") ? "[\(host)]" : host
            return port == (secure ? 443 : 80) ? h : "\(h):\(port)"
        }

        var isIPAddress: Bool { (try? SocketAddress(ipAddress: host, port: 0)) != nil }
    }

    let channel: any Channel
    private let handler: NIOLoopBound<ChannelWebSocketHandler>

    private init(channel: any Channel, handler: ChannelWebSocketHandler) {
        self.channel = channel
        self.handler = NIOLoopBound(handler, eventLoop: channel.eventLoop)
    }

    /// Connects, upgrades to a WebSocket and installs the frame handler; fails after `timeout`. Reads are held
    /// (and a close is remembered) until `start()`.
    static func connect(to target: Target, tls: ChannelTLS?, maxMessageBytes: Int, timeout: TimeAmount,
                        on eventLoop: any EventLoop, events: Events) -> EventLoopFuture<ChannelWebSocket> {
        let sslContext: NIOSSLContext?
        do {
            sslContext = target.secure ? try NIOSSLContext(configuration: (tls ?? ChannelTLS()).makeConfiguration()) : nil
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        let serverName = tls?.sniHostname ?? (target.isIPAddress ? nil : target.host)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        let ssl = try NIOSSLClientHandler(context: sslContext, serverHostname: serverName)
                        try channel.pipeline.syncOperations.addHandler(ssl)
                    }
                }
            }
        let upgraded = bootstrap.connect(host: target.host, port: target.port).flatMap { channel in
            channel.eventLoop.makeCompletedFuture {
                try Self.configureUpgrade(channel, target: target, maxMessageBytes: maxMessageBytes, events: events)
            }
            .flatMap { $0 }
            .flatMapErrorThrowing { error in
                channel.close(promise: nil)
                throw error
            }
        }
        // The whole opening (TCP, TLS, HTTP upgrade) within `timeout`.
        let promise = eventLoop.makePromise(of: ChannelWebSocket.self)
        let timer = eventLoop.scheduleTask(in: timeout) {
            promise.fail(DataChannelError.connectionLost("the WebSocket did not open within \(timeout)"))
        }
        upgraded.whenComplete { result in
            timer.cancel()
            switch result {
            case .success(let socket):
                promise.futureResult.whenFailure { _ in socket.channel.close(promise: nil) }  // timed out first
                promise.succeed(socket)
            case .failure(let error): promise.fail(error)
            }
        }
        return promise.futureResult
    }

    private enum UpgradeOutcome: Sendable {
        case upgraded(ChannelWebSocket)
        case refused
    }

    private static func configureUpgrade(_ channel: any Channel, target: Target, maxMessageBytes: Int,
                                         events: Events) throws -> EventLoopFuture<ChannelWebSocket> {
        let upgrader = WebSocketClientUpgrader<UpgradeOutcome>(upgraded: { channel in
            channel.eventLoop.makeCompletedFuture {
                // One handler reads the frames from the socket's bytes and writes whole encoded frames.
                let handler = ChannelWebSocketHandler(events: events, maxMessageBytes: maxMessageBytes)
                try channel.pipeline.syncOperations.addHandler(handler)
                return .upgraded(ChannelWebSocket(channel: channel, handler: handler))
            }
        })
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: target.hostHeader)
        headers.add(name: "User-Agent", value: "gangway")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: target.requestURI, headers: headers)
        let upgrade = NIOTypedHTTPClientUpgradeConfiguration<UpgradeOutcome>(
            upgradeRequestHead: head, upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in channel.eventLoop.makeSucceededFuture(.refused) })
        var config = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: upgrade)
        config.leftOverBytesStrategy = .forwardBytes
        let outcome = try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: config)
        return outcome.flatMapThrowing { outcome in
            switch outcome {
            case .upgraded(let socket): return socket
            case .refused:
                throw DataChannelError.connectionLost("the server at \(target.hostHeader) did not accept the WebSocket upgrade")
            }
        }
    }

    // MARK: on the event loop

    /// Delivers what arrived since the upgrade (and a close, if the socket already ended), then keeps reading.
    func start() { handler.value.start() }

    /// Queues a data-channel message, encoded straight into its WebSocket frame (no array of its own); `flush()`
    /// sends what is queued.
    func write(_ message: ClientMessage) {
        if let frame = frame(message) { handler.value.send(frame: frame) }
    }

    /// `message` as a complete masked binary frame, ready for `write(frame:)` on this socket (nil once closing).
    func frame(_ message: ClientMessage) -> ByteBuffer? {
        guard !handler.value.isClosing else { return nil }
        return handler.value.frame(opcode: .binary, count: message.encodedCount) { message.encode(into: $0) }
    }

    /// Queues a frame made by `frame(_:)` (dropped once this end's close frame is queued: nothing may follow it).
    func write(frame: ByteBuffer) {
        guard !handler.value.isClosing else { return }
        handler.value.send(frame: frame)
    }

    /// Queues a text message.
    func write(text: String) { handler.value.write(opcode: .text, bytes: Array(text.utf8)) }

    /// This end's close frame is queued: nothing more is sent.
    var isClosing: Bool { handler.value.isClosing }

    /// Sends what is queued, unless the socket is in the middle of a read: then at the end of that read.
    func flush() { handler.value.flushUnlessReading() }

    /// Reads again after `Events.message` returned false.
    func resumeReading() { handler.value.resumeReading() }

    /// When the server was last heard from (any bytes), for the data channel's keepalive; nil while this end holds
    /// its reads back (a slow consumer), when silence says nothing about the server.
    var lastHeard: NIODeadline? { handler.value.lastHeardWhileReading }

    /// Sends a ping (the server's pong, like anything it sends, counts as heard).
    func ping() { handler.value.ping() }

    /// One keepalive look: after `pingAfter` with nothing heard from the server a ping; after `deadAfter`, `dead` runs
    /// with the silence and the socket is abandoned as lost (reported through `Events.closed`). Nothing while this end
    /// holds its reads back: silence then says nothing about the server.
    func keepAlive(pingAfter: TimeAmount, deadAfter: TimeAmount, dead: (TimeAmount) -> Void = { _ in }) {
        guard let heard = lastHeard else { return }
        let silence = NIODeadline.now() - heard
        if silence >= deadAfter {
            dead(silence)
            abandon(String(format: "nothing heard from the server for %.0f s, ping unanswered", Double(silence.nanoseconds) / 1e9))
        } else if silence >= pingAfter {
            ping()
        }
    }

    /// Drops a socket the server stopped answering on: closes it at once (no close handshake, which would wait on
    /// the same silence), reported through `Events.closed` as the connection lost, with `why`.
    func abandon(_ why: String) { handler.value.abandon(why) }

    /// Sends a close frame (after what is queued) and closes the socket once the server answers, or after
    /// `timeout`. Does not report `closed`.
    func close(code: WebSocketErrorCode, reason: String?, timeout: TimeAmount = .seconds(2)) {
        handler.value.close(code: code, reason: reason, timeout: timeout)
    }
}

/// WebSocket masking keys from the kernel's random source, read 1024 keys at a time instead of a system call (or
/// four) per frame.
struct MaskingKeys {
    private var pool: [UInt8] = []
    private var next = 0

    /// The next four random bytes (a tuple: building a `WebSocketMaskingKey` from a slice goes through a generic
    /// initialiser, 2 % of a client's CPU per keystroke).
    mutating func take() -> (UInt8, UInt8, UInt8, UInt8) {
        if next + 4 > pool.count { refill() }
        defer { next += 4 }
        return pool.withUnsafeBufferPointer { p in (p[next], p[next + 1], p[next + 2], p[next + 3]) }
    }

    private mutating func refill() {
        var bytes = [UInt8](repeating: 0, count: 4096)
        var filled = 0
        let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            filled = bytes.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress, raw.count) }
            close(fd)
        }
        if filled != bytes.count {
            var generator = SystemRandomNumberGenerator()
            for i in bytes.indices { bytes[i] = generator.next() }
        }
        pool = bytes
        next = 0
    }
}

/// The frame handler behind `ChannelWebSocket`, right after the socket (or TLS): it reads the server's frames from
/// the bytes (`WebSocketFrameReader`) and writes whole encoded frames (header, masking key, masked payload) as one
/// buffer each.
final class ChannelWebSocketHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = Never
    typealias OutboundOut = ByteBuffer

    private let events: ChannelWebSocket.Events
    private var context: ChannelHandlerContext?
    private var reader: WebSocketFrameReader
    private var readFailed = false
    private var masks = MaskingKeys()
    private var started = false
    /// Messages read before `start()`.
    private var held: [WebSocketFrameReader.Message] = []
    private var ended = false
    private var endReported = false
    private var peerClose: DataChannelError?
    private var lastError: (any Error)?
    private var readingPaused = false
    private var lastHeard = NIODeadline.now()
    private var abandonedBecause: String?
    private var readPending = false
    private var inRead = false
    private var unflushed = false
    private var closeSent = false
    /// This end's close frame is queued: no more messages go after it.
    var isClosing: Bool { closeSent }

    init(events: ChannelWebSocket.Events, maxMessageBytes: Int) {
        self.events = events
        reader = WebSocketFrameReader(maxMessageBytes: maxMessageBytes)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func start() {
        guard !started else { return }
        started = true
        let messages = held
        held = []
        inRead = true
        for message in messages { handle(message) }
        inRead = false
        flushIfNeeded()
        if ended { reportEnd() }
        if readPending, !readingPaused {
            readPending = false
            context?.read()
        }
    }

    // MARK: inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        inRead = true
        lastHeard = .now()
        guard !readFailed else { return }  // closing: whatever else the socket had is dropped
        do throws(WebSocketFrameReader.Failure) {
            try reader.read(bytes) { message in
                if started { handle(message) } else { held.append(message) }
            }
        } catch {
            // Say why (1002 or 1009), then close; the end is reported as the connection lost, with this error.
            readFailed = true
            lastError = error
            sendClose(error.closeCode)
            flushIfNeeded()
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        inRead = false
        flushIfNeeded()
        context.fireChannelReadComplete()
    }

    private func handle(_ message: WebSocketFrameReader.Message) {
        switch message {
        case .binary(let data):
            // Messages that arrived before the socket ended are delivered (even when `start()` comes after the
            // end); nothing after a close frame is.
            guard peerClose == nil else { return }
            if !events.message(data) { readingPaused = true }
        case .ping(let data):
            if !closeSent { send(opcode: .pong, data: data) }
        case .close(var data):
            guard peerClose == nil else { return }
            let code = data.readWebSocketErrorCode() ?? .normalClosure
            let reason = data.readString(length: data.readableBytes) ?? ""
            peerClose = .closedByPeer(code: Int(UInt16(webSocketErrorCode: code)), reason: reason)
            sendClose(code)
            flushIfNeeded(force: true)
            context?.close(promise: nil)
        case .text, .pong:
            break  // nothing for a data channel
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        lastError = error
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        ended = true
        if started { reportEnd() }
        context.fireChannelInactive()
    }

    private func reportEnd() {
        guard !endReported else { return }
        endReported = true
        let error = peerClose
            ?? .connectionLost(abandonedBecause ?? lastError.map { "\($0)" } ?? "the socket closed without a close frame")
        events.closed(error)
    }

    // MARK: outbound

    func read(context: ChannelHandlerContext) {
        if readingPaused || !started {
            readPending = true
        } else {
            context.read()
        }
    }

    func resumeReading() {
        guard readingPaused else { return }
        readingPaused = false
        lastHeard = .now()  // silence while paused was ours
        if readPending {
            readPending = false
            context?.read()
        }
    }

    func write(opcode: WebSocketOpcode, bytes: [UInt8]) {
        guard !closeSent else { return }
        bytes.withUnsafeBytes { send(opcode: opcode, payload: $0) }
    }

    private func send(opcode: WebSocketOpcode, data: ByteBuffer) {
        data.withUnsafeReadableBytes { send(opcode: opcode, payload: $0) }
    }

    /// Encodes one whole (FIN) frame, masked, into one buffer and writes it (RFC 6455 §5.2).
    private func send(opcode: WebSocketOpcode, payload: UnsafeRawBufferPointer) {
        guard let buffer = frame(opcode: opcode, count: payload.count, fill: { out in
            if !payload.isEmpty { out.copyMemory(from: payload) }
        }) else { return }
        send(frame: buffer)
    }

    /// One whole (FIN) masked frame with a `count`-byte payload that `fill` writes, in one buffer: header, masking
    /// key, then the payload, masked in place once written. Nil when the socket is gone.
    func frame(opcode: WebSocketOpcode, count: Int, fill: (UnsafeMutableRawBufferPointer) -> Void) -> ByteBuffer? {
        guard let output = context else { return nil }
        var buffer = output.channel.allocator.buffer(capacity: WebSocketFrameHeader.maxBytes + 4 + count)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: WebSocketFrameHeader.maxBytes) {
            WebSocketFrameHeader.write(opcode: UInt8(webSocketOpcode: opcode), payloadLength: count, masked: true, into: $0)
        }
        let key = masks.take()
        buffer.writeMultipleIntegers(key.0, key.1, key.2, key.3)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { out in
            let target = UnsafeMutableRawBufferPointer(rebasing: out[..<count])
            fill(target)
            WebSocketMask.apply(key: key, to: target)
            return count
        }
        return buffer
    }

    /// Queues a frame from `frame(opcode:count:fill:)`.
    func send(frame: ByteBuffer) {
        guard let output = context else { return }
        output.write(NIOAny(frame), promise: nil)
        unflushed = true
    }

    var lastHeardWhileReading: NIODeadline? { readingPaused ? nil : lastHeard }

    func ping() {
        write(opcode: .ping, bytes: [])
        flushIfNeeded()
    }

    func abandon(_ why: String) {
        guard let context, !ended else { return }
        abandonedBecause = why
        context.close(promise: nil)
    }

    /// Queues this end's close frame, once per socket.
    private func sendClose(_ code: WebSocketErrorCode, reason: String? = nil) {
        guard !closeSent else { return }
        closeSent = true
        var data = ByteBuffer()
        data.write(webSocketErrorCode: code)
        if let reason { data.writeString(reason) }
        send(opcode: .connectionClose, data: data)
    }

    func flushUnlessReading() { if !inRead { flushIfNeeded() } }

    private func flushIfNeeded(force: Bool = false) {
        guard unflushed || force, let context else { return }
        unflushed = false
        context.flush()
    }

    func close(code: WebSocketErrorCode, reason: String?, timeout: TimeAmount) {
        guard let context else { return }
        endReported = true  // the owner closed it: nothing to report
        if !ended {
            sendClose(code, reason: reason)
            flushIfNeeded()
        }
        let channel = context.channel
        channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        // Keep reading so the server's answering close frame (or the end of the socket) is seen.
        readingPaused = false
        if readPending { readPending = false; context.read() }
    }
}
