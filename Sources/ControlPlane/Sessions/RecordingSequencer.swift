/// Puts one direction's stream messages in sequence order for the recorder, each sequence number once.
/// I/O-free. Resent frames (seq already recorded) are ignored; frames ahead of the next expected one wait in a
/// bounded buffer (beyond it they are skipped: the sender resends them and they are recorded then).
struct RecordingSequencer<Item: Sendable>: Sendable {
    private(set) var next: Int64 = 0
    private var ahead: [Int64: Item] = [:]
    let maxAhead: Int

    init(maxAhead: Int = 4096) { self.maxAhead = maxAhead }

    /// Passes the items now recordable to `each`, in order (no array: this runs for every relayed frame).
    mutating func received(seq: Int64, _ item: Item, _ each: (Item) -> Void) {
        if seq < next { return }
        if seq > next {
            if ahead.count < maxAhead, ahead[seq] == nil { ahead[seq] = item }
            return
        }
        each(item)
        next += 1
        guard !ahead.isEmpty else { return }
        while let n = ahead.removeValue(forKey: next) {
            each(n)
            next += 1
        }
    }
}
