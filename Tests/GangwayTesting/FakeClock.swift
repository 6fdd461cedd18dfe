import Foundation
import SessionCore

/// A manually advanced clock for tests: a monotonic `StreamInstant` plus the wall-clock epoch milliseconds that
/// correspond to it. Nothing in it sleeps.
// @unchecked Sendable: all state is guarded by `lock`.
public final class FakeClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: StreamInstant
    private let startInstant: StreamInstant
    private let epochMillisAtStart: UInt64

    /// - Parameters:
    ///   - start: the first monotonic instant (not zero, so "time 0" bugs show).
    ///   - epochMillisAtStart: the Unix epoch milliseconds at `start` (default 2023-11-14T22:13:20Z).
    public init(start: StreamInstant = .milliseconds(1_000), epochMillisAtStart: UInt64 = 1_700_000_000_000) {
        current = start
        startInstant = start
        self.epochMillisAtStart = epochMillisAtStart
    }

    public var now: StreamInstant { lock.withLock { current } }

    /// Wall-clock milliseconds at `now`.
    public var epochMillis: UInt64 { epochMillis(at: now) }

    public func epochMillis(at instant: StreamInstant) -> UInt64 {
        epochMillisAtStart + instant.nanoseconds(since: startInstant) / 1_000_000
    }

    public func advance(by duration: Duration) {
        lock.withLock { current = current.adding(duration) }
    }

    /// Moves to `instant` if it is later than now (time never goes back).
    public func advance(to instant: StreamInstant) {
        lock.withLock { if instant > current { current = instant } }
    }

    /// A `StreamConfig.epochMillis` closure reading this clock's mapping.
    public var epochMillisFunction: @Sendable (StreamInstant) -> UInt64 {
        { [self] instant in self.epochMillis(at: instant) }
    }
}
