/// Turns a byte stream cut at arbitrary points into valid UTF-8 text: an incomplete code point at the end of a
/// chunk is held until the next chunk; invalid bytes become U+FFFD (as asciinema's own recorder does).
public struct UTF8Holdback: Sendable {
    private var held: [UInt8] = []

    public init() {}

    /// The decodable text of `held + bytes`, keeping an unfinished trailing sequence for later.
    public mutating func take(_ bytes: [UInt8]) -> String {
        if held.isEmpty, Self.incompleteSuffixLength(bytes) == 0 {
            return String(decoding: bytes, as: UTF8.self)  // the usual case: nothing held, nothing to hold
        }
        var all = held + bytes
        held = []
        let keep = Self.incompleteSuffixLength(all)
        if keep > 0 {
            held = Array(all.suffix(keep))
            all.removeLast(keep)
        }
        return String(decoding: all, as: UTF8.self)
    }

    /// Whatever is still held (an unfinished sequence at the end of the stream), decoded with replacement.
    public mutating func finish() -> String {
        defer { held = [] }
        return held.isEmpty ? "" : String(decoding: held, as: UTF8.self)
    }

    /// Length of a trailing prefix of a multi-byte sequence that could still be completed (0–3).
    static func incompleteSuffixLength(_ b: [UInt8]) -> Int {
        var i = b.count - 1
        var continuation = 0
        while i >= 0, continuation < 3, b[i] & 0xC0 == 0x80 {
            continuation += 1
            i -= 1
        }
        guard i >= 0 else { return 0 }
        let lead = b[i]
        let needed: Int
        switch lead {
        case 0xC2...0xDF: needed = 1
        case 0xE0...0xEF: needed = 2
        case 0xF0...0xF4: needed = 3
        default: return 0
        }
        return continuation < needed ? continuation + 1 : 0
    }
}
