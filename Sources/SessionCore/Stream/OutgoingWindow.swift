/// One sent, not yet acked stream message.
struct OutgoingEntry: Sendable {
    var message: ClientMessage
    var lastSent: StreamInstant
    var sendCount: Int
}

/// Sent-but-unacked messages keyed by their consecutive sequence numbers: O(1) append, O(1) selective removal,
/// iteration in sequence order. Storage is compacted as the acked prefix grows.
struct OutgoingWindow: Sendable {
    private var slots: [OutgoingEntry?] = []
    private var head = 0
    /// Sequence number of `slots[head]`.
    private(set) var baseSequence: Int64 = 0
    private(set) var count = 0
    private(set) var payloadBytes = 0

    var isEmpty: Bool { count == 0 }

    /// Appends the entry for the next sequence number (`baseSequence + slots in use`).
    mutating func append(_ entry: OutgoingEntry) {
        if count == 0 {
            // Everything acked: restart storage at this sequence number.
            slots.removeAll(keepingCapacity: true)
            head = 0
            baseSequence = entry.message.sequenceNumber
        }
        slots.append(entry)
        count += 1
        payloadBytes += entry.message.payload.count
    }

    /// Removes and returns the entry with `sequence`, if in flight.
    mutating func remove(sequence: Int64) -> OutgoingEntry? {
        guard let index = slotIndex(sequence), let entry = slots[index] else { return nil }
        slots[index] = nil
        count -= 1
        payloadBytes -= entry.message.payload.count
        while head < slots.count, slots[head] == nil {
            head += 1
            baseSequence += 1
        }
        if head > 1024, head * 2 > slots.count {
            slots.removeFirst(head)
            head = 0
        }
        return entry
    }

    /// Visits every in-flight entry in sequence order, letting the body update it.
    mutating func updateEach(_ body: (inout OutgoingEntry) -> Void) {
        guard count > 0 else { return }
        for i in head..<slots.count where slots[i] != nil {
            // Force-unwrap free: copy out, update, store back.
            if var entry = slots[i] {
                body(&entry)
                slots[i] = entry
            }
        }
    }

    /// Visits every in-flight entry in sequence order.
    func forEach(_ body: (OutgoingEntry) -> Void) {
        guard count > 0 else { return }
        for i in head..<slots.count { if let entry = slots[i] { body(entry) } }
    }

    private func slotIndex(_ sequence: Int64) -> Int? {
        let (offset, overflow) = sequence.subtractingReportingOverflow(baseSequence)
        guard !overflow, offset >= 0, offset < Int64(slots.count - head) else { return nil }
        return head + Int(offset)
    }
}
