import GangwayTesting
import SessionCore
import Testing

/// Two endpoints (client and agent) joined by two lossy links under a fake clock. Frames travel encoded, so the
/// codec (and its digest check against corrupted frames) is part of the path.
struct StreamSimulation {
    struct Endpoint {
        var stream: DataStream
        var timer: StreamInstant?
        var delivered: [UInt8] = []
        var streamWrites = 0
        var maxBytesInFlight = 0
    }

    let clock = FakeClock()
    var client: Endpoint
    var agent: Endpoint
    var toAgent: LossyLink<[UInt8]>
    var toClient: LossyLink<[UInt8]>
    var random: SeededGenerator
    var corruption: Double
    var rejectedFrames = 0
    var scheduled: [(at: StreamInstant, toAgent: Bool, bytes: [UInt8])] = []

    init(conditions: LinkConditions, seed: UInt64, corruption: Double = 0, maxChunk: Int = 1024, window: Int = 16 * 1024) {
        client = Endpoint(stream: DataStream(role: .client, config: .testing(clock, maxChunk: maxChunk, window: window)))
        agent = Endpoint(stream: DataStream(role: .agent, config: .testing(clock, maxChunk: maxChunk, window: window)))
        toAgent = LossyLink(conditions: conditions, seed: seed &* 31 &+ 1)
        toClient = LossyLink(conditions: conditions, seed: seed &* 31 &+ 2)
        random = SeededGenerator(seed: seed)
        self.corruption = corruption
    }

    /// Schedules `total` random bytes per direction in random pieces over the first `spread`.
    mutating func scheduleTraffic(bytesPerDirection total: Int, spread: Duration) -> (toAgent: [UInt8], toClient: [UInt8]) {
        let spreadNs = UInt64(spread.components.seconds) * 1_000_000_000
        var pieces: [(at: StreamInstant, toAgent: Bool, bytes: [UInt8])] = []
        for direction in [true, false] {
            var remaining = total
            while remaining > 0 {
                let n = min(remaining, Int.random(in: 1...5_000, using: &random))
                let at = clock.now.adding(nanoseconds: UInt64.random(in: 0...spreadNs, using: &random))
                pieces.append((at, direction, random.bytes(n)))
                remaining -= n
            }
        }
        // Time order; same-instant sends keep their generation order. The expected streams follow that order.
        scheduled = pieces.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
        let sentA = scheduled.filter(\.toAgent).flatMap(\.bytes)
        let sentC = scheduled.filter { !$0.toAgent }.flatMap(\.bytes)
        return (sentA, sentC)
    }

    mutating func apply(_ actions: [StreamAction], fromClient: Bool) {
        for action in actions {
            switch action {
            case .write(let message):
                if fromClient { toAgent.send(message.encode(), at: clock.now) } else { toClient.send(message.encode(), at: clock.now) }
                if message.messageType.isStreamData {
                    if fromClient { client.streamWrites += 1 } else { agent.streamWrites += 1 }
                }
            case .deliver(_, let bytes):
                if fromClient { client.delivered += bytes } else { agent.delivered += bytes }
            case .acknowledge:
                let ack = action.acknowledgement!.encode()
                if fromClient { toAgent.send(ack, at: clock.now) } else { toClient.send(ack, at: clock.now) }
            case .armTimer(let at):
                if fromClient { client.timer = at } else { agent.timer = at }
            case .control:
                break
            }
        }
        client.maxBytesInFlight = max(client.maxBytesInFlight, client.stream.bytesInFlight)
        agent.maxBytesInFlight = max(agent.maxBytesInFlight, agent.stream.bytesInFlight)
    }

    mutating func receiveFrame(_ frame: [UInt8], atClient: Bool) {
        var bytes = frame
        if random.chance(corruption) {
            let i = Int.random(in: 0..<bytes.count, using: &random)
            bytes[i] ^= UInt8.random(in: 1...255, using: &random)
        }
        guard let message = try? ClientMessage.decode(bytes) else { rejectedFrames += 1; return }
        if atClient {
            apply(client.stream.receive(message, now: clock.now), fromClient: true)
        } else {
            apply(agent.stream.receive(message, now: clock.now), fromClient: false)
        }
    }

    /// Runs events in time order until `done` holds or `limit` of simulated time passes. Returns false on timeout.
    mutating func run(for limit: Duration, until done: (StreamSimulation) -> Bool) -> Bool {
        let end = clock.now.adding(limit)
        while !done(self) {
            let candidates = [client.timer, agent.timer, toAgent.nextArrival, toClient.nextArrival, scheduled.first?.at]
            guard let next = candidates.compactMap({ $0 }).min(), next <= end else {
                clock.advance(to: end)
                return done(self)
            }
            clock.advance(to: next)
            let now = clock.now
            while let first = scheduled.first, first.at <= now {
                scheduled.removeFirst()
                if first.toAgent {
                    apply(client.stream.send(first.bytes, now: now), fromClient: true)
                } else {
                    apply(agent.stream.send(first.bytes, now: now), fromClient: false)
                }
            }
            for frame in toAgent.receive(until: now) { receiveFrame(frame, atClient: false) }
            for frame in toClient.receive(until: now) { receiveFrame(frame, atClient: true) }
            if let t = client.timer, t <= now {
                client.timer = nil
                apply(client.stream.timerFired(now: now), fromClient: true)
            }
            if let t = agent.timer, t <= now {
                agent.timer = nil
                apply(agent.stream.timerFired(now: now), fromClient: false)
            }
        }
        return true
    }
}

func sameBytes(_ a: [UInt8], _ b: [UInt8]) -> Bool { a == b }

func describeDifference(_ got: [UInt8], _ want: [UInt8]) -> String {
    let firstDiff = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset
    return "got \(got.count) bytes, want \(want.count), first difference at \(firstDiff.map(String.init) ?? "end")"
}

@Suite struct LossyLinkSimulationTests {
    func runExchange(conditions: LinkConditions, seed: UInt64, corruption: Double = 0,
                     bytes: Int = 100_000) throws -> StreamSimulation {
        var sim = StreamSimulation(conditions: conditions, seed: seed, corruption: corruption)
        let (toAgent, toClient) = sim.scheduleTraffic(bytesPerDirection: bytes, spread: .seconds(2))
        let finished = sim.run(for: .seconds(600)) { s in
            s.scheduled.isEmpty && s.client.stream.isIdle && s.agent.stream.isIdle
                && s.agent.delivered.count >= toAgent.count && s.client.delivered.count >= toClient.count
        }
        #expect(finished, "seed \(seed): exchange did not finish; client \(sim.client.stream.counters), agent \(sim.agent.stream.counters)")
        // Every byte exactly once, in order, both directions.
        #expect(sameBytes(sim.agent.delivered, toAgent), "seed \(seed): client→agent \(describeDifference(sim.agent.delivered, toAgent))")
        #expect(sameBytes(sim.client.delivered, toClient), "seed \(seed): agent→client \(describeDifference(sim.client.delivered, toClient))")
        // Resending stops once everything is acked.
        let writesBefore = sim.client.streamWrites + sim.agent.streamWrites
        _ = sim.run(for: .seconds(30)) { _ in false }
        #expect(sim.client.streamWrites + sim.agent.streamWrites == writesBefore, "seed \(seed): resent after all acked")
        #expect(sim.client.timer == nil || sim.client.stream.isIdle)
        // The window held.
        #expect(sim.client.maxBytesInFlight <= 16 * 1024 && sim.agent.maxBytesInFlight <= 16 * 1024)
        return sim
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func hostileLinkDeliversEverythingExactlyOnceInOrder(seed: UInt64) throws {
        let sim = try runExchange(conditions: .hostile, seed: seed)
        // The conditions really were hostile.
        #expect(sim.toAgent.stats.lost > 0 && sim.toAgent.stats.duplicated > 0)
        #expect(sim.client.stream.counters.retransmissions > 0)
        #expect(sim.agent.stream.counters.duplicatesReceived > 0)
    }

    @Test func corruptedFramesAreRejectedAndRecoveredLikeLoss() throws {
        let sim = try runExchange(conditions: LinkConditions(loss: 0.02, minDelay: .milliseconds(1), maxDelay: .milliseconds(20)),
                                  seed: 99, corruption: 0.05)
        #expect(sim.rejectedFrames > 0)
    }

    @Test func perfectLinkNeedsNoRetransmissions() throws {
        let sim = try runExchange(conditions: .perfect, seed: 7)
        #expect(sim.client.stream.counters.retransmissions == 0)
        #expect(sim.agent.stream.counters.retransmissions == 0)
        #expect(sim.client.stream.counters.duplicatesReceived == 0)
    }

    @Test func defaultConfigurationOverALossyLink() throws {
        // 32 KiB chunks, 1 MiB window: large writes, few messages, each loss costs a whole chunk.
        var sim = StreamSimulation(conditions: LinkConditions(loss: 0.1, duplication: 0.05, reorder: 0.1,
                                                              minDelay: .milliseconds(2), maxDelay: .milliseconds(30)),
                                   seed: 21, maxChunk: 32 * 1024, window: 1 << 20)
        let (toAgent, toClient) = sim.scheduleTraffic(bytesPerDirection: 2 << 20, spread: .seconds(1))
        let finished = sim.run(for: .seconds(600)) { s in
            s.scheduled.isEmpty && s.client.stream.isIdle && s.agent.stream.isIdle
                && s.agent.delivered.count >= toAgent.count && s.client.delivered.count >= toClient.count
        }
        #expect(finished)
        #expect(sameBytes(sim.agent.delivered, toAgent), "\(describeDifference(sim.agent.delivered, toAgent))")
        #expect(sameBytes(sim.client.delivered, toClient), "\(describeDifference(sim.client.delivered, toClient))")
        #expect(sim.client.maxBytesInFlight <= 1 << 20 && sim.agent.maxBytesInFlight <= 1 << 20)
    }

    @Test func heavyLossStillCompletes() throws {
        _ = try runExchange(conditions: LinkConditions(loss: 0.35, duplication: 0.1, reorder: 0.3,
                                                       minDelay: .milliseconds(1), maxDelay: .milliseconds(80)),
                            seed: 11, bytes: 30_000)
    }
}
