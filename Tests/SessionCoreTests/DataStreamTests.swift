import GangwayTesting
import SessionCore
import Testing

/// Single-step behaviour of the stream state machine.
@Suite struct DataStreamTests {
    let clock = FakeClock()

    @Test func sequencesStartAtZeroAndAgentFlagsFirstMessageSYN() {
        var agent = DataStream(role: .agent, config: .testing(clock))
        let writes = agent.send(Array("abc".utf8), now: clock.now).writes
            + agent.send(Array("d".utf8), payloadType: .exitCode, now: clock.now).writes
        #expect(writes.map(\.sequenceNumber) == [0, 1])
        #expect(writes.map(\.flags) == [1, 0])
        #expect(writes.allSatisfy { $0.messageType == .outputStreamData })
        #expect(writes[1].payloadType == .exitCode)
        #expect(writes[0].createdDate == clock.epochMillis)
        var client = DataStream(role: .client, config: .testing(clock))
        let first = client.send([1], now: clock.now).writes
        #expect(first.map(\.messageType) == [.inputStreamData])
        #expect(first.map(\.flags) == [0])
    }

    @Test func emptySendEmitsNothingAndLargeSendIsChunked() {
        var s = DataStream(role: .client, config: .testing(clock, maxChunk: 1000))
        #expect(s.send([], now: clock.now).isEmpty)
        let writes = s.send(Array(repeating: 7, count: 2500), now: clock.now).writes
        #expect(writes.map(\.payload.count) == [1000, 1000, 500])
        #expect(s.bytesInFlight == 2500 && s.unackedCount == 3)
    }

    @Test func inOrderDeliveryAcksEachMessageWithFlags3() {
        var a = DataStream(role: .agent, config: .testing(clock))
        var c = DataStream(role: .client, config: .testing(clock))
        let sent = a.send(Array("hello".utf8), now: clock.now).writes
        let actions = c.receive(sent[0], now: clock.now)
        #expect(actions.delivered == Array("hello".utf8))
        #expect(actions.acks.count == 1)
        #expect(actions.acks[0].flags == 3 && actions.acks[0].sequenceNumber == 0)
        #expect(ackSequence(actions.acks[0]) == 0)
        // The ack empties the sender's flight and RTT is sampled.
        clock.advance(by: .milliseconds(40))
        #expect(a.receive(actions.acks[0], now: clock.now).isEmpty)
        #expect(a.unackedCount == 0 && a.isIdle)
        #expect(a.estimator.rto < 200_000_000)
        // Acks are never acked.
        #expect(c.receive(actions.acks[0], now: clock.now).writes.isEmpty)
    }

    @Test func outOfOrderIsBufferedAckedAndDeliveredInOrder() {
        var a = DataStream(role: .agent, config: .testing(clock, maxChunk: 1))
        var c = DataStream(role: .client, config: .testing(clock))
        let m = a.send(Array("abc".utf8), now: clock.now).writes
        let r2 = c.receive(m[2], now: clock.now)
        #expect(r2.delivered.isEmpty && r2.acks.count == 1)
        let r1 = c.receive(m[1], now: clock.now)
        #expect(r1.delivered.isEmpty && c.bufferedOutOfOrderCount == 2)
        let r0 = c.receive(m[0], now: clock.now)
        #expect(r0.delivered == Array("abc".utf8))
        #expect(c.expectedSequence == 3 && c.bufferedOutOfOrderCount == 0)
    }

    @Test func duplicatesAreReAckedNotRedelivered() {
        var a = DataStream(role: .agent, config: .testing(clock, maxChunk: 1))
        var c = DataStream(role: .client, config: .testing(clock))
        let m = a.send(Array("ab".utf8), now: clock.now).writes
        _ = c.receive(m[0], now: clock.now)
        let again = c.receive(m[0], now: clock.now)      // seq < expected: the reference plugin stays silent here
        #expect(again.delivered.isEmpty)
        #expect(again.acks.map(ackSequence) == [0])
        _ = c.receive(m[1], now: clock.now)
        #expect(c.counters.duplicatesReceived == 1)
    }

    @Test func tooFarAheadIsDroppedWithoutAck() {
        var cfg = StreamConfig.testing(clock)
        cfg.maxOutOfOrder = 4
        var c = DataStream(role: .client, config: cfg)
        func message(_ seq: Int64) -> ClientMessage {
            ClientMessage(messageType: .outputStreamData, createdDate: 1, sequenceNumber: seq, payloadType: .output, payload: [1])
        }
        #expect(c.receive(message(4), now: clock.now).acks.count == 1)
        #expect(c.receive(message(5), now: clock.now).isEmpty)
        #expect(c.receive(message(.max), now: clock.now).isEmpty)
        #expect(c.counters.droppedOutOfWindow == 2)
        #expect(c.receive(message(-9), now: clock.now).acks.count == 1)  // behind: re-acked, harmless
    }

    @Test func selectiveAckRemovesExactlyThatMessage() {
        var a = DataStream(role: .agent, config: .testing(clock, maxChunk: 1))
        var c = DataStream(role: .client, config: .testing(clock))
        let m = a.send(Array("abc".utf8), now: clock.now).writes
        let ack1 = c.receive(m[1], now: clock.now).acks[0]
        _ = a.receive(ack1, now: clock.now)
        #expect(a.unackedCount == 2 && a.bytesInFlight == 2)
        // An ack for something not in flight changes nothing.
        _ = a.receive(ack1, now: clock.now)
        #expect(a.unackedCount == 2 && a.counters.unmatchedAcks == 1)
    }

    @Test func timerResendsEveryExpiredMessageAndStopsOnceAcked() {
        var a = DataStream(role: .agent, config: .testing(clock, maxChunk: 1))
        var c = DataStream(role: .client, config: .testing(clock))
        let first = a.send(Array("abc".utf8), now: clock.now)
        let deadline = try! #require(first.lastTimer)
        #expect(deadline == clock.now.adding(.milliseconds(200)))
        clock.advance(by: .milliseconds(100))
        #expect(a.timerFired(now: clock.now).streamWrites.isEmpty)  // early wake: nothing due
        clock.advance(to: deadline)
        let resent = a.timerFired(now: clock.now)
        #expect(resent.streamWrites.map(\.sequenceNumber) == [0, 1, 2])  // all of them, not only the head
        #expect(resent.streamWrites == first.streamWrites)            // same ids, same bytes
        #expect(resent.lastTimer == clock.now.adding(.milliseconds(400)))  // backed off
        for m in resent.streamWrites { for ack in c.receive(m, now: clock.now).acks { _ = a.receive(ack, now: clock.now) } }
        #expect(a.isIdle)
        clock.advance(by: .seconds(5))
        #expect(a.timerFired(now: clock.now).isEmpty)
        #expect(a.counters.retransmissions == 3)
    }

    @Test func sendWindowQueuesBeyondItAndAcksReleaseTheQueue() {
        var a = DataStream(role: .client, config: .testing(clock, maxChunk: 100, window: 300))
        var c = DataStream(role: .agent, config: .testing(clock))
        let writes = a.send(Array(repeating: 1, count: 1000), now: clock.now).streamWrites
        #expect(writes.count == 3)
        #expect(a.bytesInFlight == 300 && a.queuedBytes == 700)
        let ack = c.receive(writes[0], now: clock.now).acks[0]
        let released = a.receive(ack, now: clock.now).streamWrites
        #expect(released.map(\.sequenceNumber) == [3])
        #expect(a.bytesInFlight <= 300 && a.queuedBytes == 600)
    }

    @Test func pausePublicationHoldsTransmissionUntilStart() {
        var a = DataStream(role: .agent, config: .testing(clock))
        let pause = ClientMessage(messageType: .pausePublication, createdDate: 1, payload: [])
        #expect(a.receive(pause, now: clock.now).controls.count == 1)
        #expect(a.isPaused)
        #expect(a.send([1, 2], now: clock.now).isEmpty)
        #expect(a.queuedBytes == 2)
        clock.advance(by: .seconds(3))
        #expect(a.timerFired(now: clock.now).isEmpty)
        let start = ClientMessage(messageType: .startPublication, createdDate: 1, payload: [])
        let resumed = a.receive(start, now: clock.now)
        #expect(resumed.streamWrites.map(\.payload) == [[1, 2]])
    }

    @Test func handshakeAndControlMessagesReachTheApplication() {
        var a = DataStream(role: .agent, config: .testing(clock))
        var c = DataStream(role: .client, config: .testing(clock))
        let hs = a.send(Array(#"{"AgentVersion":"3.3.0.0"}"#.utf8), payloadType: .handshakeRequest, now: clock.now).writes[0]
        #expect(c.receive(hs, now: clock.now).deliveries.map(\.0) == [.handshakeRequest])
        let closed = ClientMessage(messageType: .channelClosed, createdDate: 1, payload: Array("{}".utf8))
        let actions = c.receive(closed, now: clock.now)
        #expect(actions.controls == [closed] && actions.writes.isEmpty)
    }

    @Test func notAcceptingDataLeavesMessagesUnackedUntilReady() {
        var a = DataStream(role: .client, config: .testing(clock))
        var agent = DataStream(role: .agent, config: .testing(clock))
        agent.isAcceptingData = false
        let m = a.send(Array("ls\r".utf8), now: clock.now).writes[0]
        #expect(agent.receive(m, now: clock.now).isEmpty)
        agent.isAcceptingData = true
        let later = agent.receive(m, now: clock.now)  // the client's resend
        #expect(later.delivered == Array("ls\r".utf8) && later.acks.count == 1)
        #expect(agent.counters.refusedNotReady == 1)
    }

    @Test func resendAllAfterReconnect() {
        var a = DataStream(role: .client, config: .testing(clock, maxChunk: 1))
        _ = a.send([1, 2], now: clock.now)
        let again = a.resendAll(now: clock.now)
        #expect(again.streamWrites.map(\.sequenceNumber) == [0, 1])
        #expect(again.lastTimer != nil)
    }
}
