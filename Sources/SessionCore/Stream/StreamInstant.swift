/// A point on a monotonic clock, in nanoseconds from an arbitrary origin. The stream state machine never reads a
/// clock; callers pass `now` (tests use a fake clock, adapters `StreamInstant.monotonicNow()`).
public struct StreamInstant: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var nanoseconds: UInt64

    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    public static let zero = StreamInstant(nanoseconds: 0)

    public static func milliseconds(_ ms: UInt64) -> StreamInstant {
        StreamInstant(nanoseconds: ms.multipliedReportingOverflow(by: 1_000_000).overflow ? .max : ms * 1_000_000)
    }

    public static func < (lhs: StreamInstant, rhs: StreamInstant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// This instant plus `ns` nanoseconds, saturating instead of overflowing.
    public func adding(nanoseconds ns: UInt64) -> StreamInstant {
        let (sum, overflow) = nanoseconds.addingReportingOverflow(ns)
        return StreamInstant(nanoseconds: overflow ? .max : sum)
    }

    /// This instant plus `duration` (negative durations are treated as zero).
    public func adding(_ duration: Duration) -> StreamInstant {
        adding(nanoseconds: duration.nanosecondsClamped)
    }

    /// Nanoseconds from `earlier` to self; 0 if `earlier` is later.
    public func nanoseconds(since earlier: StreamInstant) -> UInt64 {
        nanoseconds >= earlier.nanoseconds ? nanoseconds - earlier.nanoseconds : 0
    }

    public var description: String { "\(Double(nanoseconds) / 1e6) ms" }
}

extension Duration {
    /// Whole nanoseconds, clamped to 0…UInt64.max.
    var nanosecondsClamped: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        let (s, o) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        guard !o else { return .max }
        let (t, o2) = s.addingReportingOverflow(UInt64(attoseconds / 1_000_000_000))
        return o2 ? .max : t
    }
}
