/// Reading the end of the last segment at open: where the last complete line ends and what chain state it leaves.
struct AuditTail {
    /// Byte length of the complete lines (everything after it is a torn record).
    var completeLength: Int
    var lastSeq: UInt64
    var lastHash: String
    /// Records after the last checkpoint in this segment.
    var recordsSinceCheckpoint: Int
    var lastIsCheckpoint: Bool

    /// Parses `bytes` (a whole segment). Returns nil when the segment holds no complete line.
    /// Throws when the last complete line is not a valid record (damage, not a torn write).
    static func read(_ bytes: [UInt8], segment: String) throws -> AuditTail? {
        guard let lastNewline = bytes.lastIndex(of: 0x0A) else { return nil }
        let completeLength = lastNewline + 1
        var lineStart = lastNewline
        while lineStart > 0, bytes[lineStart - 1] != 0x0A { lineStart -= 1 }
        let line = Array(bytes[lineStart..<lastNewline])
        guard let parsed = AuditLineScanner.scan(line[...]) else {
            throw AuditStoreError.damagedTail("the last complete record of \(segment) does not parse")
        }
        guard parsed.computedHashMatches else {
            throw AuditStoreError.damagedTail("the last complete record of \(segment) (seq \(parsed.seq)) fails its hash")
        }
        // Count records after the last checkpoint (cheap: look for the record type right after prevHash).
        var since = 0
        var end = lastNewline
        var isLastCheckpoint = true
        var first = true
        while end > 0 {
            var start = end
            while start > 0, bytes[start - 1] != 0x0A { start -= 1 }
            let type = AuditLineScanner.recordType(bytes[start..<end])
            if type == .checkpoint {
                if first { isLastCheckpoint = true }
                break
            }
            if first { isLastCheckpoint = false }
            first = false
            since += 1
            end = start - 1
            if start == 0 { break }
        }
        return AuditTail(completeLength: completeLength, lastSeq: parsed.seq, lastHash: parsed.hash,
                         recordsSinceCheckpoint: since, lastIsCheckpoint: isLastCheckpoint)
    }
}
