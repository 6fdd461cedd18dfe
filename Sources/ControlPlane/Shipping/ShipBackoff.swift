import Foundation

/// Retry delay after the `attempt`-th failure (1-based): `initial · 2^(attempt-1)`, capped at `max`.
public struct ShipBackoff: Sendable, Equatable {
    public var initial: TimeInterval
    public var max: TimeInterval

    public init(initial: TimeInterval, max: TimeInterval) {
        self.initial = initial
        self.max = max
    }

    public func delay(afterFailures attempt: Int) -> TimeInterval {
        let exponent = Double(Swift.min(Swift.max(attempt - 1, 0), 30))
        return Swift.min(max, initial * pow(2, exponent))
    }
}
