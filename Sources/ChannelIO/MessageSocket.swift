import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOWebSocket
import SessionCore

/// A WebSocket carrying unsequenced ClientMessages both ways: the agent's control channel. It runs on ChannelIO's
/// own client (`ChannelWebSocket`, like the data channel), so a wss:// URL naming an IP address works: no SNI is sent
/// and the certificate's IP addresses are checked (WSClient sent the address as SNI, which TLS forbids, and an
/// agent given `--server https://10.0.0.5:8443` could never connect).
///
/// Liveness: after `pingEvery` with nothing heard from the server a ping goes out; after twice that the socket is
/// dropped as lost (a path that died without a FIN), and `events` ends with `.closed`.
///
/// ```swift
/// let socket = try await MessageSocket.connect(url: url, tls: tls, openingText: hello, pingEvery: .seconds(30))
/// for await event in socket.events { … }      // .message, .malformed, then .closed
/// _ = await socket.send(heartbeat)
/// ```
public final class MessageSocket: Sendable {
    public enum Event: Sendable {
        case message(ClientMessage)
        /// A frame that did not decode (dropped).
        case malformed(String)
        /// The socket ended (last event): `.closedByPeer` carries the server's close code and reason.
        case closed(DataChannelError)
    }

    /// Messages in order, then `.closed`.
    public let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    private let socket: ChannelWebSocket
    private let keepalive: NIOLockedValueBox<RepeatedTask?>

    private init(socket: ChannelWebSocket, events: AsyncStream<Event>, continuation: AsyncStream<Event>.Continuation,
                 keepalive: NIOLockedValueBox<RepeatedTask?>) {
        self.socket = socket
        self.events = events
        self.continuation = continuation
        self.keepalive = keepalive
    }

    /// Opens the WebSocket (TCP, TLS, HTTP upgrade within `timeout`) and sends `openingText` as its first frame.
    public static func connect(url: URL, tls: ChannelTLS?, openingText: String, pingEvery: Duration,
                               maxMessageBytes: Int = 1 << 20, timeout: TimeAmount = .seconds(15)) async throws -> MessageSocket {
        guard let target = ChannelWebSocket.Target(url) else { throw DataChannelError.invalidURL(url.absoluteString) }
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let (stream, continuation) = AsyncStream<Event>.makeStream()
        let keepalive = NIOLockedValueBox<RepeatedTask?>(nil)
        let events = ChannelWebSocket.Events(
            message: { buffer in
                do { continuation.yield(.message(try ClientMessage.decode(Array(buffer: buffer)))) } catch {
                    continuation.yield(.malformed("\(error)"))
                }
                return true
            },
            closed: { error in
                keepalive.withLockedValue { $0?.cancel(); $0 = nil }
                continuation.yield(.closed(error))
                continuation.finish()
            })
        let socket = try await ChannelWebSocket.connect(to: target, tls: tls, maxMessageBytes: maxMessageBytes,
                                                        timeout: timeout, on: loop, events: events).get()
        let every = TimeAmount(pingEvery)
        try await loop.submit {
            socket.write(text: openingText)
            socket.flush()
            socket.start()
            keepalive.withLockedValue {
                $0 = loop.scheduleRepeatedTask(initialDelay: every, delay: every) { _ in
                    socket.keepAlive(pingAfter: every, deadAfter: every + every)
                }
            }
        }.get()
        return MessageSocket(socket: socket, events: stream, continuation: continuation, keepalive: keepalive)
    }

    /// Sends one message; false when the socket is closing or closed.
    @discardableResult
    public func send(_ message: ClientMessage) async -> Bool {
        let socket = self.socket
        return (try? await socket.channel.eventLoop.submit { () -> Bool in
            guard socket.channel.isActive, !socket.isClosing else { return false }
            socket.write(message)
            socket.flush()
            return true
        }.get()) ?? false
    }

    /// Closes with a close frame (the server's answer or 2 s ends the socket) and ends `events` now with
    /// `.closed(.alreadyClosed)`.
    public func close(code: WebSocketErrorCode = .normalClosure, reason: String?) {
        keepalive.withLockedValue { $0?.cancel(); $0 = nil }
        let socket = self.socket
        socket.channel.eventLoop.execute { socket.close(code: code, reason: reason) }
        continuation.yield(.closed(.alreadyClosed))
        continuation.finish()
    }
}
