#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension StreamInstant {
    /// The system's monotonic clock (CLOCK_MONOTONIC). For I/O adapters only; the state machine never calls it.
    public static func monotonicNow() -> StreamInstant {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return StreamInstant(nanoseconds: UInt64(max(0, ts.tv_sec)) &* 1_000_000_000 &+ UInt64(max(0, ts.tv_nsec)))
    }
}
