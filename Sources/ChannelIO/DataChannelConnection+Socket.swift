import Foundation
import Logging
import NIOCore
import NIOWebSocket
import SessionCore
import WSClient

extension DataChannelConnection {
    /// Largest WebSocket message accepted: a 1 MiB payload plus the header.
    static let maxMessageBytes = (1 << 20) + 4096

    func openSocket() async throws {
        guard !isClosed else { throw DataChannelError.alreadyClosed }
        guard url.host != nil, let scheme = url.scheme?.lowercased(), ["ws", "wss", "http", "https"].contains(scheme) else {
            throw DataChannelError.invalidURL(url.absoluteString)
        }
        generation += 1
        let gen = generation
        if case .open(let oldWriter) = state {
            Task { try? await oldWriter.close(.goingAway, reason: "reconnecting") }
        }
        if let old = socketTask { old.cancel() }
        dropSocket()
        state = .connecting

        let config = WebSocketClientConfiguration(maxFrameSize: Self.maxMessageBytes, closeTimeout: .seconds(2),
                                                  sniHostname: tls?.sniHostname)
        let tlsConfiguration = try tls?.makeConfiguration()
        let urlString = url.absoluteString
        let loop = eventLoop
        let logger = self.logger
        let handler: WebSocketDataHandler<WebSocketClient.Context> = { [weak self] inbound, outbound, _ in
            guard let self else { return }
            try await self.socketOpened(outbound, generation: gen)
            var iterator = inbound.messages(maxSize: Self.maxMessageBytes).makeAsyncIterator()
            while let message = try await iterator.next() {
                guard case .binary(let buffer) = message else { continue }
                guard await self.socketReceived(buffer, generation: gen) else { break }
            }
        }
        let timeout = Task { [weak self] in
            try? await Task.sleep(for: Self.openTimeout)
            await self?.openTimedOut(generation: gen)
        }
        defer { timeout.cancel() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            openWaiter = continuation
            socketTask = Task { [weak self] in
                let client = WebSocketClient(url: urlString, configuration: config, tlsConfiguration: tlsConfiguration,
                                             eventLoopGroup: loop,
                                             logger: logger, handler: handler)
                do {
                    let closeFrame = try await client.run()
                    await self?.socketEnded(generation: gen, error: closeFrame.map {
                        DataChannelError.closedByPeer(code: Int(UInt16(webSocketErrorCode: $0.closeCode)), reason: $0.reason ?? "")
                    } ?? DataChannelError.connectionLost("the socket closed without a close frame"))
                } catch {
                    await self?.socketEnded(generation: gen, error: error)
                }
            }
        }
    }

    /// How long `connect`/`reconnect` wait for the WebSocket to open and the opening frame to be written.
    static let openTimeout: Duration = .seconds(15)

    func openTimedOut(generation gen: Int) {
        guard gen == generation, let waiter = openWaiter else { return }
        openWaiter = nil
        generation += 1
        socketTask?.cancel()
        socketTask = nil
        dropSocket()
        state = .disconnected
        waiter.resume(throwing: DataChannelError.connectionLost("the WebSocket did not open within \(Self.openTimeout)"))
    }

    func socketOpened(_ writer: WebSocketOutboundWriter, generation gen: Int) async throws {
        guard gen == generation, !isClosed else { throw CancellationError() }
        try await writer.write(.text(openingFrame))
        guard gen == generation, !isClosed else { throw CancellationError() }
        state = .open(writer)
        let previouslyQueued = outbox
        outbox = []
        Task { await self.runWriter(writer, generation: gen) }
        // Control messages queued while the socket was down go first, then everything unacknowledged.
        for frame in previouslyQueued { enqueue(frame) }
        perform(stream.resendAll(now: .monotonicNow()))
        openWaiter?.resume()
        openWaiter = nil
    }

    /// Handles one binary message. Returns false when the read loop should stop.
    func socketReceived(_ buffer: ByteBuffer, generation gen: Int) async -> Bool {
        guard gen == generation, !isClosed else { return false }
        let decoded: Result<ClientMessage, FrameError> = buffer.withUnsafeReadableBytes { raw in
            do throws(FrameError) { return .success(try ClientMessage.decode(raw: raw, limits: limits)) }
            catch { return .failure(error) }
        }
        let message: ClientMessage
        switch decoded {
        case .success(let m): message = m
        case .failure(let error):
            malformedFrames += 1
            logger.warning("dropping a malformed data-channel frame: \(error)")
            return true
        }
        let actions = stream.receive(message, now: .monotonicNow())
        // Writes (acks, window refills) and timers first, so a slow consumer does not delay acks; then the
        // deliveries, waiting for the consumer: that wait is what stops us reading the socket.
        perform(actions)
        for action in actions {
            switch action {
            case .deliver(let type, let bytes): await events.buffer.push(.data(type, bytes))
            case .control(let control): await events.buffer.push(.control(control))
            case .write, .armTimer: break
            }
        }
        wakeSendersIfRoom()
        if stream.isIdle { wakeIdleWaiters() }
        return gen == generation && !isClosed
    }

    func socketEnded(generation gen: Int, error: (any Error)?) async {
        guard gen == generation, !isClosed else { return }
        let wasOpening = openWaiter != nil
        dropSocket()
        state = .disconnected
        if let waiter = openWaiter {
            openWaiter = nil
            waiter.resume(throwing: error ?? DataChannelError.connectionLost("the socket closed before it opened"))
        }
        if !wasOpening {
            logger.info("data channel socket ended: \(error.map { "\($0)" } ?? "no error")")
            await events.buffer.push(.disconnected(error))
        }
    }

    /// Forgets the current socket: stops the timer and writer, drops queued stream frames (resendAll covers them).
    func dropSocket() {
        cancelTimer()
        outbox = []
        pendingAcks = []  // the peer resends what it has not seen acknowledged; duplicates are acknowledged again
        writerWake?.resume()
        writerWake = nil
        if case .open = state { state = .disconnected }
    }

    // MARK: actions

    func perform(_ actions: [StreamAction]) {
        for action in actions {
            switch action {
            case .write(let message):
                guard case .open = state else { break }
                if message.messageType == .acknowledge {
                    deferAcknowledgement(message.encode())
                } else {
                    enqueue(message.encode())
                    flushAcknowledgements()
                }
            case .armTimer(let deadline):
                if case .open = state { armTimer(at: deadline) }
            case .deliver, .control:
                break  // pushed by socketReceived; never produced by send/timer/resendAll
            }
        }
    }

    // MARK: delayed acknowledgements

    /// How long an acknowledgement may wait for a data frame to follow (like TCP's delayed ACK). Far below the peer's
    /// resend timeout (≥ 10 ms over its smoothed round trip).
    static let acknowledgementDelay: TimeAmount = .milliseconds(2)

    /// Holds an acknowledgement until the next data frame this end sends, or `acknowledgementDelay`. A keystroke's
    /// echo then leaves the agent before the keystroke's ack, and the client's ack of the echo rides behind its next
    /// keystroke, instead of each ack taking a turn through gangwayd ahead of the data that matters.
    func deferAcknowledgement(_ frame: [UInt8]) {
        pendingAcks.append(frame)
        guard ackTimer == nil else { return }
        ackTimer = eventLoop.scheduleTask(in: Self.acknowledgementDelay) { [weak self] in
            Task { await self?.acknowledgementTimerFired() }
        }
    }

    /// Flushes whatever is pending now. No generation check: `dropSocket` empties `pendingAcks`, so anything
    /// pending belongs to the current socket, even when the timer was armed on an earlier one.
    func acknowledgementTimerFired() {
        ackTimer = nil
        flushAcknowledgements()
    }

    func flushAcknowledgements() {
        guard !pendingAcks.isEmpty else { return }
        // Nothing left for the timer to flush: cancel it (else it fires every 2 ms while typing, to no effect).
        ackTimer?.cancel()
        ackTimer = nil
        let acks = pendingAcks
        pendingAcks = []
        for frame in acks { enqueue(frame) }
    }

    func enqueue(_ frame: [UInt8]) {
        outbox.append(frame)
        if let wake = writerWake {
            writerWake = nil
            wake.resume()
        }
    }

    func runWriter(_ writer: WebSocketOutboundWriter, generation gen: Int) async {
        while gen == generation, !isClosed {
            if outbox.isEmpty {
                await withCheckedContinuation { writerWake = $0 }
                continue
            }
            let batch = outbox
            outbox = []
            for frame in batch {
                do {
                    try await writer.write(.binary(ByteBuffer(bytes: frame)))
                } catch {
                    logger.debug("data channel write failed: \(error)")
                    return  // the read side reports the end of the socket
                }
                guard gen == generation else { return }
            }
        }
    }

    // MARK: timer

    func armTimer(at deadline: StreamInstant) {
        timerTask?.cancel()
        timerToken += 1
        let token = timerToken
        let delay = deadline.nanoseconds(since: .monotonicNow())
        // An event-loop timer: arming and cancelling it on every send costs a heap entry, not a task and a
        // Dispatch timer.
        timerTask = eventLoop.scheduleTask(in: .nanoseconds(Int64(clamping: delay))) { [weak self] in
            Task { await self?.timerFired(token: token) }
        }
    }

    func timerFired(token: Int) {
        guard token == timerToken, case .open = state else { return }
        timerTask = nil
        perform(stream.timerFired(now: .monotonicNow()))
    }

    func cancelTimer() {
        timerTask?.cancel()
        timerTask = nil
        timerToken += 1
    }

    // MARK: waiters

    func wakeSendersIfRoom() {
        guard stream.queuedBytes <= maxQueuedSendBytes, !sendWaiters.isEmpty else { return }
        let waiting = sendWaiters
        sendWaiters = []
        for w in waiting { w.resume() }
    }

    func wakeIdleWaiters() {
        let waiting = idleWaiters
        idleWaiters = []
        for w in waiting { w.resume() }
    }

    func wakeAll() {
        let waiting = sendWaiters
        sendWaiters = []
        for w in waiting { w.resume() }
        wakeIdleWaiters()
        writerWake?.resume()
        writerWake = nil
    }
}
