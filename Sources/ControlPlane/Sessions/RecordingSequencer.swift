/// Puts one direction's stream messages in sequence order for the recorder, each sequence number once.
/// I/O-free. Resent frames (seq already recorded) are ignored; frames ahead of the next expected one wait in a
/// bounded buffer (beyond it they are skipped: the sender resends them and they are recorded then).
struct RecordingSequencer<Item: Sendable>: Sendable {
    private(set) var next: Int64 = 0
    private var ahead: [Int64: Item] = [:]
    let maxAhead: Int

    init(maxAhead: Int = 4096) { self.maxAhead = maxAhead }

    /// Returns the items now recordable, in order.
    mutating func received(seq: Int64, _ item: Item) -> [Item] {
        if seq < next { return [] }
        if seq > next {
            if ahead.count < maxAhead, ahead[seq] == nil { ahead[seq] = item }
            return []
        }
        var out = [item]
        next += 1
        while let n = ahead.removeValue(forKey: next) {
            out.append(n)
            next += 1
        }
        return out
    }
}
