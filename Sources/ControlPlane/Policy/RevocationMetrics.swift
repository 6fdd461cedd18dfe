import Foundation

/// Revoke-to-kill latency and sessions ended by access enforcement, in Prometheus text format for `/metrics`:
///
/// ```
/// gangway_revocation_kill_seconds_bucket{le="0.25"} 3     (histogram: _bucket, _sum, _count)
/// gangway_revocation_kill_seconds_max 0.181               (gauge: the slowest so far)
/// gangway_sessions_terminated_total{reason="revoked"} 3   (counter; reason="policy" for policy changes)
/// ```
/// Latency runs from the revocation's recorded time (`revocations.revoked_at`) to the moment both ends of the session
/// have been sent `channel_closed`.
public struct RevocationMetrics: Sendable, Equatable {
    /// Upper bounds of the histogram buckets, seconds (the 1 s promise sits in the middle).
    public static let bounds: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// Observations at or below each bound (cumulative, as Prometheus wants).
    public private(set) var buckets: [Int] = Array(repeating: 0, count: bounds.count)
    public private(set) var count = 0
    public private(set) var sum: Double = 0
    public private(set) var max: Double = 0
    /// Sessions ended, by reason (`revoked`, `policy`).
    public private(set) var terminated: [String: Int] = ["revoked": 0, "policy": 0]

    public init() {}

    mutating func observeKill(seconds: Double) {
        let s = Swift.max(0, seconds)
        count += 1
        sum += s
        max = Swift.max(max, s)
        for (i, bound) in Self.bounds.enumerated() where s <= bound { buckets[i] += 1 }
    }

    mutating func terminated(reason: String) {
        terminated[reason, default: 0] += 1
    }

    /// The lines for `/metrics`.
    public var prometheusText: String {
        var lines = [
            "# HELP gangway_revocation_kill_seconds Seconds from a principal's revocation to both ends of each of its live sessions being told the session ended.",
            "# TYPE gangway_revocation_kill_seconds histogram",
        ]
        for (i, bound) in Self.bounds.enumerated() {
            lines.append("gangway_revocation_kill_seconds_bucket{le=\"\(Self.number(bound))\"} \(buckets[i])")
        }
        lines += [
            "gangway_revocation_kill_seconds_bucket{le=\"+Inf\"} \(count)",
            "gangway_revocation_kill_seconds_sum \(Self.number(sum))",
            "gangway_revocation_kill_seconds_count \(count)",
            "# HELP gangway_revocation_kill_seconds_max The slowest revoke-to-kill so far, seconds.",
            "# TYPE gangway_revocation_kill_seconds_max gauge",
            "gangway_revocation_kill_seconds_max \(Self.number(max))",
            "# HELP gangway_sessions_terminated_total Live sessions gangwayd ended because access was revoked or policy stopped allowing them.",
            "# TYPE gangway_sessions_terminated_total counter",
        ]
        for reason in terminated.keys.sorted() {
            lines.append("gangway_sessions_terminated_total{reason=\"\(reason)\"} \(terminated[reason] ?? 0)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `0.25`, `1`, `0.052341` (no exponent, no trailing zeros beyond microseconds).
    static func number(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e15 { return String(Int(x)) }
        var s = String(format: "%.6f", x)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }
}
