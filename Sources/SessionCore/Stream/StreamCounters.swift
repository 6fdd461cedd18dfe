/// Monotonic counters of one `DataStream`, for metrics and tests.
public struct StreamCounters: Sendable, Equatable {
    /// Stream messages sent for the first time.
    public var messagesSent = 0
    /// Stream messages sent again because their RTO expired (or after `resendAll`).
    public var retransmissions = 0
    /// Stream messages received (including duplicates).
    public var messagesReceived = 0
    /// Received stream messages already delivered or buffered (re-acked, not delivered again).
    public var duplicatesReceived = 0
    /// Received stream messages too far ahead of the expected one: dropped without an ack.
    public var droppedOutOfWindow = 0
    /// Received stream messages left unacked because `isAcceptingData` was false.
    public var refusedNotReady = 0
    /// Acks that removed an in-flight message.
    public var acksReceived = 0
    /// Acks naming nothing in flight (late duplicates of acks, or garbage).
    public var unmatchedAcks = 0
    /// Payload bytes handed to the application.
    public var bytesDelivered = 0

    public init() {}
}
