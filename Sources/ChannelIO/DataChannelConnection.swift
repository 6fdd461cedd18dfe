import Foundation
import Logging
import NIOCore
import NIOPosix
import SessionCore

/// One end of a Session Manager data channel over a WebSocket: drives SessionCore's `DataStream` with the real
/// monotonic clock and a single resend timer, and applies backpressure both ways (`send` waits while too much is
/// queued; the socket is not read faster than `events` is consumed). A dropped socket keeps the stream state, so
/// `reconnect` resumes with nothing lost or repeated.
///
/// The actor runs on its `eventLoop` (its executor is the loop), the same loop as its socket (`ChannelWebSocket`)
/// and timers: a frame is decoded, acknowledged and delivered, and a send is framed and written, in the turn of the
/// loop that read or asked for it, with no thread switch and no task per frame.
///
/// ```swift
/// let channel = DataChannelConnection(url: streamURL, openingFrame: try open.jsonText(), role: .client, logger: log)
/// try await channel.connect()
/// await channel.send(SizeData(cols: 120, rows: 40).jsonBytes(), payloadType: .size)
/// for await event in channel.events { … }
/// ```
public actor DataChannelConnection: EventLoopActor {
    public nonisolated let url: URL
    public nonisolated let role: DataStream.Role
    /// In-order events; one consumer.
    public nonisolated let events: DataChannelEvents
    /// The NIO event loop every socket of this connection runs on, and its timers. A PTY (or anything else feeding
    /// the connection) read on the same loop hands its bytes over without a thread switch.
    public nonisolated let eventLoop: any EventLoop
    /// The loop as the actor's executor (kept here: the unowned reference below must stay valid).
    private nonisolated let loopExecutor: any SerialExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { loopExecutor.asUnownedSerialExecutor() }

    let tls: ChannelTLS?
    let logger: Logger
    let limits: FrameLimits
    let maxQueuedSendBytes: Int
    var openingFrame: String
    var stream: DataStream

    enum SocketState { case idle, connecting, open(ChannelWebSocket), disconnected, closed }
    var state: SocketState = .idle
    /// Bumped on every (re)connect and on close; socket callbacks of older generations are ignored.
    var generation = 0
    // Acknowledgements waiting for a data frame to follow them (see deferAcknowledgement).
    var pendingAcks: [ByteBuffer] = []
    /// The array the stream appends its actions to, kept with its capacity between messages (`takeActions`).
    var spareActions: [StreamAction] = []
    var ackTimer: Scheduled<Void>?
    /// The open socket's liveness check (`DataChannelConnection+Keepalive.swift`).
    var keepaliveTask: RepeatedTask?
    // Resend timer.
    var timerTask: Scheduled<Void>?
    /// When `timerTask` fires.
    var timerDeadline: StreamInstant?
    var timerToken = 0
    // Waiters.
    var sendWaiters: [CheckedContinuation<Void, Never>] = []
    var idleWaiters: [CheckedContinuation<Void, Never>] = []
    /// Frames that failed to decode and were dropped.
    public internal(set) var malformedFrames = 0
    /// Where output and stderr data go, on the loop, instead of `events` (nil: `events`).
    let dataSink: (any DataChannelSink)?

    /// - Parameters:
    ///   - openingFrame: the JSON text frame sent first on every socket (OpenDataChannelInput).
    ///   - maxBufferedEventBytes: unconsumed `.data` bytes after which the socket is no longer read.
    ///   - maxQueuedSendBytes: bytes queued behind the send window after which `send` waits.
    ///   - eventLoop: the loop for the sockets and timers (default: the next of NIO's shared loops).
    ///   - dataSink: takes every `.output` and `.stdErr` payload on the loop, in order, as the frame carrying it is
    ///     read (then `events` carries only the other payloads and control messages). Set here, before the first
    ///     frame, so nothing is delivered both ways.
    public init(url: URL, openingFrame: String, role: DataStream.Role, tls: ChannelTLS? = nil,
                streamConfig: StreamConfig = .init(), frameLimits: FrameLimits = .default,
                maxBufferedEventBytes: Int = 4 << 20, maxQueuedSendBytes: Int = 1 << 20,
                eventLoop: (any EventLoop)? = nil, dataSink: (any DataChannelSink)? = nil, logger: Logger) {
        self.url = url
        let loop = eventLoop ?? MultiThreadedEventLoopGroup.singleton.next()
        self.eventLoop = loop
        self.loopExecutor = loop.executor
        self.openingFrame = openingFrame
        self.role = role
        self.tls = tls
        self.logger = logger
        self.limits = frameLimits
        self.maxQueuedSendBytes = max(1, maxQueuedSendBytes)
        self.stream = DataStream(role: role, config: streamConfig)
        self.dataSink = dataSink
        self.events = DataChannelEvents(buffer: EventBuffer(highWaterBytes: maxBufferedEventBytes))
    }

    /// Opens the WebSocket and sends the opening text frame. Throws if the socket cannot be opened.
    public func connect() async throws {
        try await openSocket()
    }

    /// Resumes on a new socket with a fresh opening frame (new token from ResumeSession / CreateDataChannel).
    /// The stream keeps its sequence numbers; everything unacknowledged is resent.
    public func reconnect(openingFrame: String) async throws {
        self.openingFrame = openingFrame
        try await openSocket()
    }

    /// Queues stream bytes (sequenced, acked, resent). Waits while more than `maxQueuedSendBytes` wait for the
    /// window, so a fast producer is slowed to the peer's pace. Returns at once after `close()`.
    public func send(_ bytes: [UInt8], payloadType: PayloadType = .output) async {
        if !sendNow(bytes, payloadType: payloadType) { await waitForSendRoom() }
    }

    /// `send` for a caller already on the loop (`assumeIsolated`): queues the bytes and writes what the window allows
    /// at once, without a task. Returns false when more than `maxQueuedSendBytes` now wait for the window: the caller
    /// should stop producing until `waitForSendRoom()` returns.
    @discardableResult
    public func sendNow(_ bytes: [UInt8], payloadType: PayloadType = .output) -> Bool {
        guard !isClosed, !bytes.isEmpty else { return true }
        var actions = takeActions()
        stream.send(bytes, payloadType: payloadType, now: .monotonicNow(), into: &actions)
        perform(actions)
        recycle(&actions)
        return stream.queuedBytes <= maxQueuedSendBytes
    }

    /// Returns once no more than `maxQueuedSendBytes` wait for the window (or the connection is closed).
    public func waitForSendRoom() async {
        while !isClosed, stream.queuedBytes > maxQueuedSendBytes {
            await withCheckedContinuation { sendWaiters.append($0) }
        }
    }

    /// Sends an unsequenced message (agent_session_state, gangway_echo_state, …) after what is already queued.
    /// Dropped if the socket is down (unsequenced messages are not resent).
    public func sendControl(_ message: ClientMessage) async {
        sendControlNow(message)
    }

    /// `sendControl` for a caller already on the loop (`assumeIsolated`).
    public func sendControlNow(_ message: ClientMessage) {
        guard case .open(let socket) = state else {
            logger.debug("data channel down: dropping \(message.messageType)")
            return
        }
        socket.write(message)
        socket.flush()
    }

    /// Waits until everything sent has been acknowledged, or `timeout` passes. Returns true when idle.
    public func waitUntilAcknowledged(timeout: Duration) async -> Bool {
        if stream.isIdle { return true }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        let wakeup = Task { [weak self] in
            try? await Task.sleep(until: deadline, clock: .continuous)
            await self?.wakeIdleWaiters()
        }
        defer { wakeup.cancel() }
        while !stream.isIdle, !isClosed, ContinuousClock.now < deadline {
            await withCheckedContinuation { idleWaiters.append($0) }
        }
        return stream.isIdle
    }

    /// Waits until everything sent has been acknowledged for as long as acknowledgements keep coming: gives up
    /// (false) only when `stall` passes with nothing more acknowledged. A shell's last output can be megabytes behind
    /// its exit (the send window plus what gangwayd holds for a slow client); a fixed timeout cut it off under load.
    public func waitUntilDelivered(stall: Duration) async -> Bool {
        while true {
            let outstanding = stream.bytesInFlight + stream.queuedBytes
            if await waitUntilAcknowledged(timeout: stall) { return true }
            if isClosed || stream.bytesInFlight + stream.queuedBytes >= outstanding { return false }
        }
    }

    /// Stream statistics (sent, resent, duplicates, …).
    public var counters: StreamCounters { stream.counters }
    /// True when everything sent has been acknowledged.
    public var isIdle: Bool { stream.isIdle }
    /// True while a socket is open.
    public var isConnected: Bool { if case .open = state { true } else { false } }

    /// Drops the current socket (close frame 1001) without ending the session: `events` reports
    /// `.disconnected`, and `reconnect(openingFrame:)` resumes. For tests and for clients that detect a dead
    /// connection themselves.
    public func dropConnection() async {
        guard case .open(let socket) = state else { return }
        generation += 1
        dropSocket()
        state = .disconnected
        // Not waited for: a close frame must never hold up the caller (the peer may not be reading).
        socket.close(code: .goingAway, reason: "client dropped the connection")
        events.buffer.offer(.disconnected(DataChannelError.connectionLost("dropped by this program")))
    }

    /// Closes the socket and ends `events` with `.closed`. Idempotent.
    public func close() async {
        if isClosed { return }
        if case .open(let socket) = state {
            flushAcknowledgements()
            // Best effort: ask the server to close (written now; the socket closes when it answers, or in 2 s).
            socket.close(code: .normalClosure, reason: nil)
        }
        state = .closed
        generation += 1
        cancelTimer()
        stopKeepalive()
        ackTimer?.cancel()
        ackTimer = nil
        wakeAll()
        events.buffer.offer(.closed(reason: "closed by this program"))
        events.buffer.finish()
    }

    var isClosed: Bool { if case .closed = state { true } else { false } }
}
