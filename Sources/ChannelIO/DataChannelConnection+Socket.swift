import Foundation
import Logging
import NIOCore
import NIOWebSocket
import SessionCore

extension DataChannelConnection {
    /// Largest WebSocket message accepted: a 1 MiB payload plus the header.
    static let maxMessageBytes = (1 << 20) + 4096

    /// How long `connect`/`reconnect` wait for the WebSocket to open (TCP, TLS and the HTTP upgrade).
    static let openTimeout: TimeAmount = .seconds(15)

    func openSocket() async throws {
        guard !isClosed else { throw DataChannelError.alreadyClosed }
        guard let target = ChannelWebSocket.Target(url) else { throw DataChannelError.invalidURL(url.absoluteString) }
        generation += 1
        let gen = generation
        if case .open(let old) = state { old.close(code: .goingAway, reason: "reconnecting") }
        dropSocket()
        state = .connecting

        // Called by the socket's handler on the event loop, which is this actor's executor.
        let events = ChannelWebSocket.Events(
            message: { [weak self] buffer in
                self?.onLoop((buffer, gen)) { $0.socketReceived($1.0, generation: $1.1) } ?? true
            },
            closed: { [weak self] error in
                self?.assumeIsolated { $0.socketEnded(generation: gen, error: error) }
            })
        let socket: ChannelWebSocket
        do {
            socket = try await ChannelWebSocket.connect(
                to: target, tls: tls, maxMessageBytes: Self.maxMessageBytes,
                timeout: Self.openTimeout,
                on: eventLoop, events: events
            ).get()
        } catch {
            if gen == generation, !isClosed { state = .disconnected }
            if let error = error as? DataChannelError { throw error }
            throw DataChannelError.connectionLost("cannot open a WebSocket to \(target.hostHeader): \(error)")
        }
        guard gen == generation, !isClosed else {
            socket.close(code: .goingAway, reason: nil)
            throw isClosed ? DataChannelError.alreadyClosed : CancellationError()
        }
        state = .open(socket)
        socket.write(text: openingFrame)
        // Everything unacknowledged goes again on the new socket.
        perform(stream.resendAll(now: .monotonicNow()))
        socket.start()
        startKeepalive(socket, generation: gen)
    }

    /// Handles one binary message, on the event loop. Returns false when the socket should not be read until the
    /// application has consumed some of `events`.
    func socketReceived(_ buffer: ByteBuffer, generation gen: Int) -> Bool {
        guard gen == generation, !isClosed else { return true }
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
        var actions = takeActions()
        defer { recycle(&actions) }
        stream.receive(message, now: .monotonicNow(), into: &actions)
        // The deliveries first (a keystroke to the PTY, an echo to the terminal: what someone waits for), then the
        // writes (acknowledgements, which wait for a data frame or 2 ms anyway; window refills) and timers.
        var room = true
        var sinkRoom = true
        for action in actions {
            switch action {
            case .deliver(let type, let bytes):
                if let dataSink, type == .output || type == .stdErr {
                    sinkRoom = dataSink.offer(bytes) && sinkRoom
                } else {
                    room = events.buffer.offer(.data(type, bytes)) && room
                }
            case .control(let control): events.buffer.offer(.control(control))
            case .write, .acknowledge, .armTimer: break
            }
        }
        perform(actions)
        wakeSendersIfRoom()
        if stream.isIdle { wakeIdleWaiters() }
        if !room || !sinkRoom {
            let loop = eventLoop
            let resume: @Sendable () -> Void = { [weak self] in
                loop.execute { [weak self] in self?.assumeIsolated { $0.resumeReading(generation: gen) } }
            }
            // Read again once both have room: the events' consumer caught up and the sink drained.
            let sink = sinkRoom ? nil : dataSink
            let afterEvents: @Sendable () -> Void = { if let sink { sink.whenRoom(resume) } else { resume() } }
            if room { afterEvents() } else { events.buffer.whenDrained(afterEvents) }
        }
        return room && sinkRoom
    }

    func resumeReading(generation gen: Int) {
        guard gen == generation, case .open(let socket) = state else { return }
        socket.resumeReading()
    }

    func socketEnded(generation gen: Int, error: DataChannelError) {
        guard gen == generation, !isClosed else { return }
        dropSocket()
        state = .disconnected
        logger.info("data channel socket ended: \(error)")
        events.buffer.offer(.disconnected(error))
    }

    /// Forgets the current socket: stops the timer, drops pending acknowledgements.
    func dropSocket() {
        cancelTimer()
        stopKeepalive()
        pendingAcks = []  // the peer resends what it has not seen acknowledged; duplicates are acknowledged again
        if case .open = state { state = .disconnected }
    }

    // MARK: actions

    /// An empty action list with the capacity the last one had: one array per connection instead of one per message.
    /// Taken out of `spareActions` while in use, so a nested call (a delivery that sends) starts its own.
    func takeActions() -> [StreamAction] {
        var actions: [StreamAction] = []
        swap(&actions, &spareActions)
        return actions
    }

    /// Puts a list from `takeActions` back, emptied, for the next message.
    func recycle(_ actions: inout [StreamAction]) {
        actions.removeAll(keepingCapacity: true)
        swap(&actions, &spareActions)
    }

    /// Writes the actions' frames and flushes them once, then arms the timers (after the flush: a keystroke leaves
    /// before the resend timer is scheduled).
    func perform(_ actions: [StreamAction]) {
        guard case .open(let socket) = state else { return }
        var wrote = false
        var deadline: StreamInstant?
        for action in actions {
            switch action {
            case .write(let message):
                socket.write(message)
                writeAcknowledgements(to: socket)
                wrote = true
            case .acknowledge:
                // Framed now (after the deliveries), so the data frame it later rides behind is not held up by it.
                if let ack = action.acknowledgement, let frame = socket.frame(ack) { deferAcknowledgement(frame) }
            case .armTimer(let at):
                deadline = at  // each one replaces the one before
            case .deliver, .control:
                break  // offered by socketReceived
            }
        }
        if wrote { socket.flush() }
        if let deadline { armTimer(at: deadline) }
    }

    // MARK: delayed acknowledgements

    /// How long an acknowledgement may wait for a data frame to follow (like TCP's delayed ACK). Far below the peer's
    /// resend timeout (≥ 10 ms over its smoothed round trip).
    static let acknowledgementDelay: TimeAmount = .milliseconds(2)

    /// Holds an acknowledgement until the next data frame this end sends, or `acknowledgementDelay`. A keystroke's
    /// echo then leaves the agent before the keystroke's ack, and the client's ack of the echo rides behind its next
    /// keystroke, instead of each ack taking a turn through gangwayd ahead of the data that matters.
    func deferAcknowledgement(_ frame: ByteBuffer) {
        pendingAcks.append(frame)
        guard ackTimer == nil else { return }
        ackTimer = eventLoop.scheduleTask(in: Self.acknowledgementDelay) { [weak self] in
            self?.assumeIsolated { $0.acknowledgementTimerFired() }
        }
    }

    /// Flushes whatever is pending now. No generation check: `dropSocket` empties `pendingAcks`, so anything
    /// pending belongs to the current socket, even when the timer was armed on an earlier one.
    ///
    /// The timer is not cancelled when a data frame takes the acknowledgements along: it fires once, finds nothing
    /// (or a later acknowledgement, which then leaves early), and the next deferred acknowledgement schedules it
    /// again. While someone types fast that is one timer per 2 ms instead of a schedule and a cancel (a heap entry
    /// and two `timerfd_settime` calls) per keystroke.
    func acknowledgementTimerFired() {
        ackTimer = nil
        flushAcknowledgements()
    }

    /// Writes and flushes the pending acknowledgements.
    func flushAcknowledgements() {
        guard case .open(let socket) = state, !pendingAcks.isEmpty else { return }
        writeAcknowledgements(to: socket)
        socket.flush()
    }

    /// Writes the pending acknowledgements on `socket`; the caller flushes.
    func writeAcknowledgements(to socket: ChannelWebSocket) {
        guard !pendingAcks.isEmpty else { return }
        for frame in pendingAcks { socket.write(frame: frame) }
        pendingAcks.removeAll(keepingCapacity: true)
    }

    // MARK: timer

    /// Schedules the resend timer for `deadline`, unless the one scheduled fires no later: it fires first and the
    /// stream, finding nothing due yet, asks again for the real deadline. So a keystroke after everything was
    /// acknowledged does not cancel and reschedule a timer (the stream forgets its deadline when nothing is in flight;
    /// the loop's timer is left to fire once, harmlessly).
    func armTimer(at deadline: StreamInstant) {
        if timerTask != nil, let scheduled = timerDeadline, scheduled <= deadline { return }
        timerTask?.cancel()
        timerToken += 1
        let token = timerToken
        let delay = deadline.nanoseconds(since: .monotonicNow())
        timerDeadline = deadline
        // An event-loop timer: a heap entry, not a task and a Dispatch timer.
        timerTask = eventLoop.scheduleTask(in: .nanoseconds(Int64(clamping: delay))) { [weak self] in
            self?.assumeIsolated { $0.timerFired(token: token) }
        }
    }

    func timerFired(token: Int) {
        guard token == timerToken else { return }
        timerTask = nil
        timerDeadline = nil
        guard case .open = state else { return }
        perform(stream.timerFired(now: .monotonicNow()))
    }

    func cancelTimer() {
        timerTask?.cancel()
        timerTask = nil
        timerDeadline = nil
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
    }
}
