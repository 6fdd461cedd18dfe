import SessionCore

/// Network conditions of a `LossyLink`.
public struct LinkConditions: Sendable {
    /// Probability a packet (or a duplicate) is dropped.
    public var loss: Double
    /// Probability a packet is delivered twice.
    public var duplication: Double
    /// Probability a packet is held back an extra `reorderDelay`, letting later packets overtake it.
    public var reorder: Double
    public var minDelay: Duration
    public var maxDelay: Duration
    public var reorderDelay: Duration

    public init(loss: Double = 0, duplication: Double = 0, reorder: Double = 0,
                minDelay: Duration = .milliseconds(5), maxDelay: Duration = .milliseconds(5),
                reorderDelay: Duration = .milliseconds(30)) {
        self.loss = loss
        self.duplication = duplication
        self.reorder = reorder
        self.minDelay = minDelay
        self.maxDelay = max(minDelay, maxDelay)
        self.reorderDelay = reorderDelay
    }

    var minDelayNs: Int64 { Self.ns(minDelay) }
    var maxDelayNs: Int64 { Self.ns(maxDelay) }
    var reorderDelayNs: Int64 { Self.ns(reorderDelay) }
    static func ns(_ d: Duration) -> Int64 { d.components.seconds * 1_000_000_000 + d.components.attoseconds / 1_000_000_000 }

    public static let perfect = LinkConditions()
    /// 10% loss, 5% duplication, 10% reordering, 5–40 ms latency.
    public static let hostile = LinkConditions(loss: 0.10, duplication: 0.05, reorder: 0.10,
                                              minDelay: .milliseconds(5), maxDelay: .milliseconds(40))
}

/// One direction of a simulated network link under a fake clock: each packet sent may be lost, duplicated,
/// delayed by a random latency, or held back extra (reordering). Deterministic for a given seed.
public struct LossyLink<Packet: Sendable>: Sendable {
    public typealias Conditions = LinkConditions

    public struct Stats: Sendable, Equatable {
        public var sent = 0
        public var lost = 0
        public var duplicated = 0
        public var delivered = 0
    }

    public var conditions: Conditions
    public private(set) var stats = Stats()
    private var random: SeededGenerator
    private var inTransit: [(arrival: StreamInstant, order: Int, packet: Packet)] = []
    private var counter = 0

    public init(conditions: Conditions = .perfect, seed: UInt64) {
        self.conditions = conditions
        random = SeededGenerator(seed: seed)
    }

    /// Puts a packet on the link at `now`.
    public mutating func send(_ packet: Packet, at now: StreamInstant) {
        stats.sent += 1
        let copies = random.chance(conditions.duplication) ? 2 : 1
        if copies == 2 { stats.duplicated += 1 }
        for _ in 0..<copies {
            if random.chance(conditions.loss) {
                stats.lost += 1
                continue
            }
            let minNs = conditions.minDelayNs
            var delay = UInt64(max(0, Int64.random(in: minNs...max(minNs, conditions.maxDelayNs), using: &random)))
            if random.chance(conditions.reorder) { delay += UInt64(max(0, conditions.reorderDelayNs)) }
            inTransit.append((now.adding(nanoseconds: delay), counter, packet))
            counter += 1
        }
    }

    /// When the next packet arrives, if any is in transit.
    public var nextArrival: StreamInstant? { inTransit.map(\.arrival).min() }

    public var inTransitCount: Int { inTransit.count }

    /// Removes and returns the packets that have arrived by `now`, in arrival order.
    public mutating func receive(until now: StreamInstant) -> [Packet] {
        let arrived = inTransit.filter { $0.arrival <= now }
            .sorted { ($0.arrival, $0.order) < ($1.arrival, $1.order) }
        guard !arrived.isEmpty else { return [] }
        inTransit.removeAll { $0.arrival <= now }
        stats.delivered += arrived.count
        return arrived.map(\.packet)
    }
}
