#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Tunables of a `DataStream`. Defaults: docs/PROTOCOL.md §Stream rules.
public struct StreamConfig: Sendable {
    /// Largest payload per stream message. The reference uses 1024; Gangway peers take 32 KiB.
    public var maxChunk: Int = 32 * 1024
    /// Payload bytes that may be sent and not yet acked; more is queued (`queuedBytes`).
    public var sendWindowBytes: Int = 4 << 20
    /// Messages that may be in flight at once (the reference plugin's receive buffer holds 10,000).
    public var maxInFlightMessages: Int = 4096
    /// How far past the expected sequence number a message may be and still be buffered (and acked).
    public var maxOutOfOrder: Int = 10_000
    /// Payload bytes the out-of-order buffer may hold; beyond it messages are dropped without an ack.
    public var maxOutOfOrderBytes: Int = 8 << 20
    /// RFC 6298-style estimator, reference constants.
    public var initialRTT: Duration = .milliseconds(100)
    public var initialRTO: Duration = .milliseconds(200)
    public var maxRTO: Duration = .seconds(1)
    /// Clock granularity G: RTO = SRTT + max(G, 4·RTTVAR).
    public var minRTOGranularity: Duration = .milliseconds(10)
    /// CreatedDate (Unix epoch ms) for a message sent at a stream instant. Default: the system wall clock.
    public var epochMillis: @Sendable (StreamInstant) -> UInt64 = { _ in
        UInt64(max(1, (Date().timeIntervalSince1970 * 1000).rounded()))
    }

    public init() {}

    public init(maxChunk: Int = 32 * 1024, sendWindowBytes: Int = 4 << 20,
                epochMillis: (@Sendable (StreamInstant) -> UInt64)? = nil) {
        self.maxChunk = max(1, maxChunk)
        self.sendWindowBytes = max(1, sendWindowBytes)
        if let epochMillis { self.epochMillis = epochMillis }
    }
}
