import Foundation

/// Per-session flow control between gangwayd and the client, tied to the client's acknowledgements (I/O-free; the
/// relay feeds it events and the injected time).
///
/// Every agent `output_stream_data` gangwayd relays (or queues) for the client is counted by sequence number until
/// the client's `acknowledge` for that sequence number passes through gangwayd. While more than `budget` bytes are
/// unacknowledged, gangwayd stops pulling frames from the agent's socket, so TCP pushes back to the agent instead of
/// gangwayd buffering. A retransmission (same sequence number) is counted once. A new client connection starts from
/// zero: what was sent to the old one is gone and the agent resends it.
struct ClientAckBudget: Sendable {
    let budget: Int
    private var unacked: [Int64: Int] = [:]
    private(set) var unackedBytes = 0
    /// When the budget became full, or the last acknowledgement that freed bytes while it stayed full.
    private(set) var fullSince: Date?
    /// Totals for tests and `/metrics`.
    private(set) var ackedBytes = 0

    init(budget: Int) {
        self.budget = max(1, budget)
    }

    /// True while gangwayd may read the next frame from the agent.
    var hasRoom: Bool { unackedBytes < budget }

    /// An output message with `seq` and `bytes` on the wire went (or was queued) to the client.
    mutating func sent(seq: Int64, bytes: Int, now: Date) {
        guard unacked[seq] == nil else { return }
        unacked[seq] = bytes
        unackedBytes += bytes
        if !hasRoom && fullSince == nil { fullSince = now }
    }

    /// The client acknowledged output message `seq`. Returns true if that freed bytes.
    @discardableResult
    mutating func acked(seq: Int64, now: Date) -> Bool {
        guard let bytes = unacked.removeValue(forKey: seq) else { return false }
        unackedBytes -= bytes
        ackedBytes += bytes
        fullSince = hasRoom ? nil : now
        return true
    }

    /// A new client connection: nothing is outstanding towards it yet.
    mutating func reset() {
        unacked.removeAll()
        unackedBytes = 0
        fullSince = nil
    }

    /// True when the budget has been full with no acknowledgement for at least `timeout`.
    func stalled(now: Date, timeout: TimeInterval) -> Bool {
        guard let fullSince else { return false }
        return now.timeIntervalSince(fullSince) >= timeout
    }
}
