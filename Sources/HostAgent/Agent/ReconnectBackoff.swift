/// Jittered exponential backoff for reconnecting to gangwayd: delay n is uniform in
/// [base·2ⁿ/2, base·2ⁿ], capped at `cap` (30 s); `reset()` after a successful connection. Never gives up.
/// Pure: the random source is injected.
public struct ReconnectBackoff: Sendable {
    public var base: Duration
    public var cap: Duration
    public private(set) var attempt = 0

    public init(base: Duration = .milliseconds(250), cap: Duration = .seconds(30)) {
        self.base = base
        self.cap = cap
    }

    /// The delay before the next attempt, given a uniform random fraction in [0, 1].
    public mutating func nextDelay(random: Double) -> Duration {
        let ceiling = ceilingDelay(attempt: attempt)
        attempt += 1
        let fraction = 0.5 + 0.5 * min(max(random, 0), 1)
        return ceiling * fraction
    }

    /// `nextDelay(random:)` with the system random generator.
    public mutating func nextDelay() -> Duration { nextDelay(random: Double.random(in: 0...1)) }

    /// The upper bound of attempt n's delay: min(cap, base·2ⁿ).
    public func ceilingDelay(attempt n: Int) -> Duration {
        let factor = n >= 30 ? Double(1 << 30) : Double(1 << n)
        let d = base * factor
        return d > cap ? cap : d
    }

    public mutating func reset() { attempt = 0 }
}
