import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import Synchronization

/// Connections that have not shown who they are cannot hold gangwayd's sockets: a connection's first request must
/// arrive whole and reach a handler within `handshakeTimeoutSeconds` of being accepted (after TLS, if any), a request
/// must be read and answered within the same time after its head (`RequestDeadlineMiddleware`: a body sent a byte at
/// a time), and a channel WebSocket must send its opening frame (the token) within the same time after the upgrade
/// (`DataChannelSocket`, `ControlChannelSocket`). Between requests, a keep-alive connection may sit idle for
/// `httpIdleTimeoutSeconds` (Hummingbird's idle timeout). Without these, a connection that sent nothing, half a
/// request head or no opening frame stayed open for ever, and a few hundred of them used up the process's descriptors
/// (agents and operators could no longer connect).
///
/// Counted in `/metrics` as `gangway_handshake_timeouts_total{stage=…}`; not audited (an unauthenticated peer could
/// flood the audit log) and logged at debug level only.
public final class HandshakeTimeoutCounters: Sendable {
    /// Where a connection was when its deadline passed (the `stage` label in `/metrics`).
    enum Stage: String, CaseIterable {
        case requestHead = "request_head", request, openingFrame = "opening_frame"
    }

    private let counts = Mutex<[Stage: Int]>([:])   // rare events: a lock is plenty

    public init() {}

    func count(_ stage: Stage) { counts.withLock { $0[stage, default: 0] += 1 } }

    /// Closes `channel` unless the returned task is cancelled within `seconds`, counting it under `stage` and
    /// logging `message` at debug level.
    func deadline(_ stage: Stage, on channel: any Channel, seconds: Double, logger: Logger,
                  _ message: String) -> Scheduled<Void> {
        channel.eventLoop.scheduleTask(in: .interval(seconds)) { [self] in
            count(stage)
            logger.debug("\(message)", metadata: ["seconds": "\(seconds)"])
            channel.close(promise: nil)
        }
    }

    var metricsText: String {
        let counts = counts.withLock { $0 }
        return Stage.allCases.map { "gangway_handshake_timeouts_total{stage=\"\($0.rawValue)\"} \(counts[$0] ?? 0)\n" }.joined()
    }
}

/// Closes its connection unless a request is taken up in time: a whole HTTP request head must arrive, and the
/// request must reach a handler (`RequestDeadlineMiddleware` for HTTP routes, the channel WebSocket's `run` after an
/// upgrade), which then removes this handler (`disarm`), so later requests and relayed frames never pass it. A head
/// the HTTP parser rejects (a header with control characters, say) reaches no handler and no answer: before this
/// deadline such a connection stayed open for ever. After the head's end the handler stops looking at the bytes.
final class RequestHeadDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let seconds: Double
    private let counters: HandshakeTimeoutCounters
    private let logger: Logger
    private var timer: Scheduled<Void>?
    /// The last byte read (ignoring CRs) was a line feed: another one ends the head.
    private var afterNewline = false
    private var headSeen = false

    init(seconds: Double, counters: HandshakeTimeoutCounters, logger: Logger) {
        self.seconds = seconds
        self.counters = counters
        self.logger = logger
    }

    /// Removes the handler from `channel`'s pipeline, if it is there: a handler has taken the request up.
    static func disarm(on channel: any Channel) {
        channel.eventLoop.execute {
            let ops = channel.pipeline.syncOperations
            if let context = try? ops.context(handlerType: RequestHeadDeadlineHandler.self) {
                ops.removeHandler(context: context, promise: nil)
            }
        }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let bound = NIOLoopBound((context, self), eventLoop: context.eventLoop)
        let (counters, logger, seconds) = (self.counters, self.logger, self.seconds)
        timer = context.eventLoop.scheduleTask(in: .interval(seconds)) {
            let (context, handler) = bound.value
            counters.count(.requestHead)
            logger.debug(handler.headSeen ? "connection closed: its request was not taken up (rejected by the HTTP parser)"
                                          : "connection closed: no complete request head", metadata: [
                "peer": "\(context.remoteAddress.map { "\($0)" } ?? "?")", "seconds": "\(seconds)"])
            // Told as the peer's end of input, the HTTP upgrade handler gives up quietly (a plain close fails its
            // pending upgrade with an error Hummingbird logs at error level, once per such connection).
            context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) { timer?.cancel() }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !headSeen, Self.endOfHead(in: unwrapInboundIn(data), afterNewline: &afterNewline) { headSeen = true }
        context.fireChannelRead(data)
    }

    /// Whether `bytes` end a request head: a line feed after a line feed, with only CRs between (CRLF CRLF, or bare
    /// LFs, which HTTP parsers accept too). `afterNewline` carries the state across reads.
    static func endOfHead(in bytes: ByteBuffer, afterNewline: inout Bool) -> Bool {
        bytes.withUnsafeReadableBytes { raw in
            for byte in raw {
                if byte == 0x0A {
                    if afterNewline { return true }
                    afterNewline = true
                } else if byte != 0x0D {
                    afterNewline = false
                }
            }
            return false
        }
    }
}

/// A server child channel that puts a `RequestHeadDeadlineHandler` in front of `inner`'s HTTP handlers (behind TLS,
/// which the TLS child channel set up before calling this one, so the handler reads plain HTTP).
struct HandshakeDeadlineChannel<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value
    let inner: Inner
    let seconds: Double
    let counters: HandshakeTimeoutCounters

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        do {
            try channel.pipeline.syncOperations.addHandler(
                RequestHeadDeadlineHandler(seconds: seconds, counters: counters, logger: logger), position: .last)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async { await inner.handle(value: value, logger: logger) }
}

/// Closes the connection of a request that is not answered within `seconds` of its head: the body must arrive by
/// then (API bodies are at most 1 MiB; the handlers themselves take milliseconds). WebSocket upgrades do not pass
/// here; their opening frame has its own deadline.
struct RequestDeadlineMiddleware: RouterMiddleware {
    typealias Context = GangwayRequestContext
    let seconds: Double
    let counters: HandshakeTimeoutCounters

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let (channel, counters, seconds, logger) = (context.channel, self.counters, self.seconds, context.logger)
        RequestHeadDeadlineHandler.disarm(on: channel)
        let timer = counters.deadline(.request, on: channel, seconds: seconds, logger: logger,
                                      "connection closed: request not received in time")
        defer { timer.cancel() }
        return try await next(request, context)
    }
}

extension ControlPlaneServices {
    /// A channel WebSocket's opening frame (the token), or nil when none came: the connection is closed unless it
    /// arrives within the handshake deadline. Ends the request-head deadline first (the upgrade was taken up).
    func openingFrame(_ messages: inout WebSocketInboundMessageStream.AsyncIterator, channel: (any Channel)?,
                      what: String) async -> WebSocketMessage? {
        if let channel { RequestHeadDeadlineHandler.disarm(on: channel) }
        let deadline = channel.map {
            handshakeTimeouts.deadline(.openingFrame, on: $0, seconds: config.handshakeTimeoutSeconds, logger: logger,
                                       "\(what) closed: no opening frame")
        }
        defer { deadline?.cancel() }
        return try? await messages.next()
    }
}

extension TimeAmount {
    /// `seconds` (fractions allowed: tests use 1.5 s deadlines) as a NIO time amount.
    static func interval(_ seconds: Double) -> TimeAmount { .nanoseconds(Int64(seconds * 1e9)) }
}
