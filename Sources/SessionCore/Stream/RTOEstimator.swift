/// Retransmission timeout per RFC 6298 with the reference's constants (docs/PROTOCOL.md §Retransmission):
/// RTTVAR = ¾·RTTVAR + ¼·|SRTT − sample|, SRTT = ⅞·SRTT + ⅛·sample, RTO = SRTT + max(G, 4·RTTVAR) ≤ maxRTO.
/// All values in nanoseconds.
public struct RTOEstimator: Sendable, Equatable {
    public private(set) var smoothedRTT: UInt64
    public private(set) var rttVariance: UInt64
    public private(set) var rto: UInt64
    public let granularity: UInt64
    public let maxRTO: UInt64

    /// Samples above this are clamped (keeps the arithmetic far from overflow).
    static let maxSample: UInt64 = 3_600_000_000_000

    public init(initialRTT: Duration = .milliseconds(100), initialRTO: Duration = .milliseconds(200),
                granularity: Duration = .milliseconds(10), maxRTO: Duration = .seconds(1)) {
        smoothedRTT = min(initialRTT.nanosecondsClamped, Self.maxSample)
        rttVariance = 0
        self.maxRTO = max(1, min(maxRTO.nanosecondsClamped, Self.maxSample))
        self.granularity = min(granularity.nanosecondsClamped, Self.maxSample)
        rto = min(initialRTO.nanosecondsClamped, self.maxRTO)
    }

    /// Folds in one round-trip sample.
    public mutating func addSample(nanoseconds sample: UInt64) {
        let s = min(sample, Self.maxSample)
        let deviation = smoothedRTT > s ? smoothedRTT - s : s - smoothedRTT
        rttVariance = (3 * rttVariance + deviation) / 4
        smoothedRTT = (7 * smoothedRTT + s) / 8
        rto = min(smoothedRTT + max(granularity, 4 * rttVariance), maxRTO)
    }

    /// After a timeout: double the RTO, up to maxRTO (RFC 6298 §5.5). A fresh sample recomputes it.
    public mutating func backOff() {
        rto = min(rto * 2, maxRTO)
    }
}
