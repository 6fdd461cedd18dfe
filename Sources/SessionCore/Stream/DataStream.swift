#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The reliability layer of one data channel endpoint, both directions, as an I/O-free state machine:
/// events in (`send`, `receive`, `timerFired`), actions out (`StreamAction`). Rules: docs/PROTOCOL.md §Stream rules.
public struct DataStream: Sendable {
    public enum Role: Sendable {
        /// Sends `input_stream_data`.
        case client
        /// Sends `output_stream_data`; its first message carries flags 1 (SYN) like the reference agent.
        case agent
    }

    public let role: Role
    public let config: StreamConfig
    public internal(set) var counters = StreamCounters()
    public internal(set) var estimator: RTOEstimator
    /// True after `pause_publication` until `start_publication` or any stream message or ack arrives.
    /// While paused nothing is transmitted or resent; sends are queued.
    public internal(set) var isPaused = false
    /// While false, incoming stream messages are neither acked nor delivered, so the peer keeps resending them:
    /// the reference agent's behaviour before its PTY or TCP connection exists. Set it back to true when ready.
    public var isAcceptingData = true

    // Send side.
    var nextSequence: Int64 = 0
    var inFlight = OutgoingWindow()
    var pending: [(PayloadType, [UInt8])] = []
    var pendingHead = 0
    var pendingBytes = 0
    var armedDeadline: StreamInstant?

    // Receive side.
    /// The next sequence number to deliver.
    public internal(set) var expectedSequence: Int64 = 0
    var outOfOrder: [Int64: ClientMessage] = [:]
    var outOfOrderBytes = 0

    public init(role: Role, config: StreamConfig = .init()) {
        self.role = role
        self.config = config
        estimator = RTOEstimator(initialRTT: config.initialRTT, initialRTO: config.initialRTO,
                                 granularity: config.minRTOGranularity, maxRTO: config.maxRTO)
    }

    /// The message type this endpoint sends.
    public var outgoingType: MessageType { role == .client ? .inputStreamData : .outputStreamData }

    /// Messages sent and not yet acked.
    public var unackedCount: Int { inFlight.count }
    /// Payload bytes sent and not yet acked.
    public var bytesInFlight: Int { inFlight.payloadBytes }
    /// Payload bytes accepted by `send` but held back by the window (or a pause).
    public var queuedBytes: Int { pendingBytes }
    /// Messages received ahead of a gap, waiting for it to fill.
    public var bufferedOutOfOrderCount: Int { outOfOrder.count }
    /// Nothing queued and nothing unacked: everything sent has been acknowledged.
    public var isIdle: Bool { inFlight.isEmpty && pendingBytes == 0 }
    /// The sequence number the next new stream message will carry.
    public var nextSendSequence: Int64 { nextSequence }

    /// Queues `bytes` as stream messages of `payloadType`, chunked to `maxChunk`, and transmits what the window
    /// allows. Empty input sends nothing.
    public mutating func send(_ bytes: [UInt8], payloadType: PayloadType = .output, now: StreamInstant) -> [StreamAction] {
        var actions: [StreamAction] = []
        send(bytes, payloadType: payloadType, now: now, into: &actions)
        return actions
    }

    /// `send`, appending the actions to `actions` (an I/O adapter reuses one array: no allocation per message).
    public mutating func send(_ bytes: [UInt8], payloadType: PayloadType = .output, now: StreamInstant,
                              into actions: inout [StreamAction]) {
        guard !bytes.isEmpty else { return }
        if bytes.count <= config.maxChunk {
            pending.append((payloadType, bytes))
        } else {
            var start = 0
            while start < bytes.count {
                let end = min(start + config.maxChunk, bytes.count)
                pending.append((payloadType, Array(bytes[start..<end])))
                start = end
            }
        }
        pendingBytes += bytes.count
        transmitPending(now: now, into: &actions)
    }

    /// The resend timer expired: resend every in-flight message whose RTO has passed, then re-arm.
    public mutating func timerFired(now: StreamInstant) -> [StreamAction] {
        armedDeadline = nil
        var actions: [StreamAction] = []
        guard !isPaused else { return actions }
        let rto = estimator.rto
        var resent = 0
        inFlight.updateEach { entry in
            guard entry.lastSent.adding(nanoseconds: rto) <= now else { return }
            entry.lastSent = now
            entry.sendCount += 1
            actions.append(.write(entry.message))
            resent += 1
        }
        if resent > 0 {
            counters.retransmissions += resent
            estimator.backOff()
        }
        if let earliest = earliestResendDeadline() { arm(at: earliest, into: &actions) }
        return actions
    }

    /// When the next in-flight message's RTO expires, at the current RTO.
    func earliestResendDeadline() -> StreamInstant? {
        var earliest: UInt64?
        inFlight.forEach { entry in
            let t = entry.lastSent.nanoseconds
            if earliest.map({ t < $0 }) ?? true { earliest = t }
        }
        return earliest.map { StreamInstant(nanoseconds: $0).adding(nanoseconds: estimator.rto) }
    }

    /// Resends every in-flight message now (after a reconnect: the peer may have missed them) and re-arms.
    public mutating func resendAll(now: StreamInstant) -> [StreamAction] {
        var actions: [StreamAction] = []
        isPaused = false
        var resent = 0
        inFlight.updateEach { entry in
            entry.lastSent = now
            entry.sendCount += 1
            actions.append(.write(entry.message))
            resent += 1
        }
        counters.retransmissions += resent
        armedDeadline = nil
        if resent > 0 { arm(at: now.adding(nanoseconds: estimator.rto), into: &actions) }
        transmitPending(now: now, into: &actions)
        return actions
    }

    /// Moves queued chunks into flight while the window, the in-flight cap and the pause state allow.
    mutating func transmitPending(now: StreamInstant, into actions: inout [StreamAction]) {
        guard !isPaused else { return }
        var sentAny = false
        while pendingHead < pending.count {
            let (type, chunk) = pending[pendingHead]
            let windowFull = inFlight.payloadBytes > 0 && inFlight.payloadBytes + chunk.count > config.sendWindowBytes
            guard !windowFull, inFlight.count < config.maxInFlightMessages else { break }
            pending[pendingHead] = (type, [])
            pendingHead += 1
            pendingBytes -= chunk.count
            let sequence = nextSequence
            nextSequence += 1
            let message = ClientMessage(
                messageType: outgoingType, createdDate: config.epochMillis(now), sequenceNumber: sequence,
                flags: (role == .agent && sequence == 0) ? 1 : 0, messageId: MessageID.random(), payloadType: type, payload: chunk)
            inFlight.append(OutgoingEntry(message: message, lastSent: now, sendCount: 1))
            counters.messagesSent += 1
            actions.append(.write(message))
            sentAny = true
        }
        if pendingHead == pending.count {
            pending.removeAll(keepingCapacity: pending.count < 4096)
            pendingHead = 0
        } else if pendingHead > 1024, pendingHead * 2 > pending.count {
            pending.removeFirst(pendingHead)
            pendingHead = 0
        }
        if sentAny { arm(at: now.adding(nanoseconds: estimator.rto), into: &actions) }
    }

    /// Arms the timer for `deadline` unless it is already armed no later than that.
    mutating func arm(at deadline: StreamInstant, into actions: inout [StreamAction]) {
        if let armed = armedDeadline, armed <= deadline { return }
        armedDeadline = deadline
        actions.append(.armTimer(at: deadline))
    }
}
