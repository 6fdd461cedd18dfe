extension DataStream {
    /// Handles one decoded message from the peer.
    /// - Stream data: in order → delivered and acked; ahead → buffered and acked (dropped unacked beyond the
    ///   out-of-order bounds); behind or already buffered → re-acked, not delivered again.
    /// - acknowledge: removes exactly that sequence number from flight, samples the RTT, sends what the window frees.
    /// - start/pause_publication: resume/pause transmission, and are passed on as `.control`.
    /// - anything else: `.control` for the application.
    public mutating func receive(_ message: ClientMessage, now: StreamInstant) -> [StreamAction] {
        var actions: [StreamAction] = []
        receive(message, now: now, into: &actions)
        return actions
    }

    /// `receive`, appending the actions to `actions` (an I/O adapter reuses one array: no allocation per message).
    public mutating func receive(_ message: ClientMessage, now: StreamInstant, into actions: inout [StreamAction]) {
        switch message.messageType {
        case .inputStreamData, .outputStreamData:
            resumeIfPaused(now: now, into: &actions)
            receiveStreamData(message, now: now, into: &actions)
        case .acknowledge:
            resumeIfPaused(now: now, into: &actions)
            receiveAck(message, now: now, into: &actions)
        case .pausePublication:
            isPaused = true
            actions.append(.control(message))
        case .startPublication:
            actions.append(.control(message))
            resumeIfPaused(now: now, into: &actions)
        default:
            actions.append(.control(message))
        }
    }

    mutating func resumeIfPaused(now: StreamInstant, into actions: inout [StreamAction]) {
        guard isPaused else { return }
        isPaused = false
        armedDeadline = nil
        if !inFlight.isEmpty { arm(at: now, into: &actions) }  // overdue resends go out at once
        transmitPending(now: now, into: &actions)
    }

    mutating func receiveStreamData(_ message: ClientMessage, now: StreamInstant, into actions: inout [StreamAction]) {
        counters.messagesReceived += 1
        guard isAcceptingData else {
            counters.refusedNotReady += 1
            return
        }
        let sequence = message.sequenceNumber
        if sequence == expectedSequence {
            deliver(message, into: &actions)
            actions.append(ack(message, now: now))
            expectedSequence += 1
            while let next = outOfOrder.removeValue(forKey: expectedSequence) {
                outOfOrderBytes -= next.payload.count
                deliver(next, into: &actions)
                expectedSequence += 1
            }
        } else if sequence < expectedSequence || outOfOrder[sequence] != nil {
            // Already delivered or buffered: our ack was lost. Re-ack so the peer stops resending.
            counters.duplicatesReceived += 1
            actions.append(ack(message, now: now))
        } else {
            let (distance, overflow) = sequence.subtractingReportingOverflow(expectedSequence)
            guard !overflow, distance <= Int64(config.maxOutOfOrder),
                  outOfOrderBytes + message.payload.count <= config.maxOutOfOrderBytes else {
                counters.droppedOutOfWindow += 1
                return
            }
            outOfOrder[sequence] = message
            outOfOrderBytes += message.payload.count
            actions.append(ack(message, now: now))
        }
    }

    mutating func deliver(_ message: ClientMessage, into actions: inout [StreamAction]) {
        guard !message.payload.isEmpty else { return }
        counters.bytesDelivered += message.payload.count
        actions.append(.deliver(message.payloadType, message.payload))
    }

    func ack(_ message: ClientMessage, now: StreamInstant) -> StreamAction {
        .acknowledge(received: message, createdDate: config.epochMillis(now))
    }

    mutating func receiveAck(_ message: ClientMessage, now: StreamInstant, into actions: inout [StreamAction]) {
        guard let acked = AcknowledgeContent.reference(in: message.payload),
              let entry = inFlight.remove(sequence: acked.sequenceNumber) else {
            counters.unmatchedAcks += 1
            return
        }
        counters.acksReceived += 1
        if entry.sendCount == 1 {
            // Karn: only never-resent messages give an unambiguous sample.
            estimator.addSample(nanoseconds: now.nanoseconds(since: entry.lastSent))
        }
        if inFlight.isEmpty { armedDeadline = nil }
        transmitPending(now: now, into: &actions)
    }
}
