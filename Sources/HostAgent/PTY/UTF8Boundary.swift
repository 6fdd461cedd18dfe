/// Splits a byte stream into chunks that never end inside a UTF-8 sequence, so each chunk forwarded to a
/// terminal decodes on its own. At most 3 bytes are carried over to the next chunk; bytes that are not valid
/// UTF-8 are never held (binary output passes through untouched).
public struct UTF8Boundary: Sendable {
    private var carry: [UInt8] = []

    public init() {}

    /// Bytes held back from the previous chunk.
    public var pending: [UInt8] { carry }

    /// Returns the complete part of `carry + bytes`, keeping an unfinished trailing sequence for next time.
    public mutating func complete(_ bytes: [UInt8]) -> [UInt8] {
        var all: [UInt8]
        if carry.isEmpty { all = bytes } else { all = carry + bytes; carry = [] }
        let keep = Self.incompleteTailLength(all)
        if keep > 0 {
            carry = Array(all[(all.count - keep)...])
            all.removeLast(keep)
        }
        return all
    }

    /// Everything still held (at end of stream).
    public mutating func flush() -> [UInt8] {
        defer { carry = [] }
        return carry
    }

    /// Length of a trailing lead byte plus continuation bytes that do not yet form a whole sequence (0…3).
    public static func incompleteTailLength(_ bytes: [UInt8]) -> Int {
        let n = bytes.count
        var i = n - 1
        var continuation = 0
        // Walk back over at most 3 continuation bytes (10xxxxxx).
        while i >= 0, continuation < 3, bytes[i] & 0xC0 == 0x80 {
            continuation += 1
            i -= 1
        }
        guard i >= 0 else { return 0 }
        let lead = bytes[i]
        let needed: Int
        if lead & 0xE0 == 0xC0 { needed = 1 } else if lead & 0xF0 == 0xE0 { needed = 2 } else if lead & 0xF8 == 0xF0 { needed = 3 } else { return 0 }
        return continuation < needed ? continuation + 1 : 0
    }
}
