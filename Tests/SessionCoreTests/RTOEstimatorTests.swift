import SessionCore
import Testing

@Suite struct RTOEstimatorTests {
    /// plugin streaming_test.go TestCalculateRetransmissionTimeout: 140 ms from the initial state.
    @Test func referenceVector() {
        var e = RTOEstimator()
        #expect(e.rto == 200_000_000)
        e.addSample(nanoseconds: 140_000_000)
        #expect(e.smoothedRTT == 105_000_000)
        #expect(e.rttVariance == 10_000_000)
        #expect(e.rto == 145_000_000)
    }

    @Test func fastLinkFloorsAtGranularityAndSlowLinkCapsAtOneSecond() {
        var fast = RTOEstimator()
        for _ in 0..<100 { fast.addSample(nanoseconds: 50_000) }
        #expect(fast.rto >= 10_000_000 && fast.rto < 11_000_000)
        var slow = RTOEstimator()
        for _ in 0..<20 { slow.addSample(nanoseconds: 5_000_000_000) }
        #expect(slow.rto == 1_000_000_000)
        slow.addSample(nanoseconds: .max)  // absurd sample: clamped, no overflow
        #expect(slow.rto == 1_000_000_000)
    }

    @Test func backOffDoublesUpToTheCap() {
        var e = RTOEstimator()
        e.backOff()
        #expect(e.rto == 400_000_000)
        e.backOff(); e.backOff()
        #expect(e.rto == 1_000_000_000)
    }
}
