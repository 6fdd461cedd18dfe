/// The top-level members of one audit record line (or of one object inside it), found without building a JSON
/// tree: nested values (request parameters, response elements) are skipped by their brackets and strings, so the
/// index scan of a long log reads each line once and decodes only the few members an index entry holds. A key
/// inside a nested value or a string is never taken for a top-level one.
struct AuditLineMembers {
    /// Byte ranges (into the buffer) of the wanted members' values, in the order of `wanted`; nil for a missing one.
    private(set) var values: [Range<Int>?]

    /// Walks `object` (one JSON object) and keeps the value ranges of the members whose keys (UTF-8, as written, no
    /// escapes) are in `wanted`. Nil when it is not one JSON object.
    init?(_ object: UnsafeBufferPointer<UInt8>, wanted: [[UInt8]]) {
        values = Array(repeating: nil, count: wanted.count)
        var cursor = JSONCursor(object)
        cursor.skipSpace()
        guard cursor.take(UInt8(ascii: "{")) else { return nil }
        cursor.skipSpace()
        if cursor.take(UInt8(ascii: "}")) { return }
        while true {
            cursor.skipSpace()
            guard cursor.peek == UInt8(ascii: "\"") else { return nil }
            let keyStart = cursor.i + 1
            guard cursor.skipString() else { return nil }
            let key = UnsafeBufferPointer(rebasing: object[keyStart..<(cursor.i - 1)])
            cursor.skipSpace()
            guard cursor.take(UInt8(ascii: ":")) else { return nil }
            cursor.skipSpace()
            let valueStart = cursor.i
            guard cursor.skipValue() else { return nil }
            if let k = wanted.firstIndex(where: { $0.count == key.count && key.elementsEqual($0) }) {
                values[k] = valueStart..<cursor.i
            }
            cursor.skipSpace()
            if cursor.take(UInt8(ascii: "}")) { return }
            guard cursor.take(UInt8(ascii: ",")) else { return nil }
        }
    }

    /// The byte ranges of the elements of `array` (one JSON array); nil when it is not one.
    static func elements(_ array: UnsafeBufferPointer<UInt8>) -> [Range<Int>]? {
        var cursor = JSONCursor(array)
        var out: [Range<Int>] = []
        cursor.skipSpace()
        guard cursor.take(UInt8(ascii: "[")) else { return nil }
        cursor.skipSpace()
        if cursor.take(UInt8(ascii: "]")) { return out }
        while true {
            cursor.skipSpace()
            let start = cursor.i
            guard cursor.skipValue() else { return nil }
            out.append(start..<cursor.i)
            cursor.skipSpace()
            if cursor.take(UInt8(ascii: "]")) { return out }
            guard cursor.take(UInt8(ascii: ",")) else { return nil }
        }
    }

    /// The text of a JSON string value at `range` of `buffer`; nil when it is not a string.
    static func string(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>?) -> String? {
        guard let r = range, r.count >= 2, buffer[r.lowerBound] == UInt8(ascii: "\""),
              buffer[r.upperBound - 1] == UInt8(ascii: "\"") else { return nil }
        let inner = UnsafeBufferPointer(rebasing: buffer[(r.lowerBound + 1)..<(r.upperBound - 1)])
        if !inner.contains(UInt8(ascii: "\\")) { return String(decoding: inner, as: UTF8.self) }
        return (try? AuditJSONParser.parse(UnsafeBufferPointer(rebasing: buffer[r])))?.stringValue
    }
}

/// A position in a JSON text that can step over whole values.
private struct JSONCursor {
    let b: UnsafeBufferPointer<UInt8>
    var i = 0
    init(_ b: UnsafeBufferPointer<UInt8>) { self.b = b }

    var peek: UInt8? { i < b.count ? b[i] : nil }

    mutating func take(_ byte: UInt8) -> Bool {
        guard i < b.count, b[i] == byte else { return false }
        i += 1
        return true
    }

    mutating func skipSpace() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }

    /// Moves past the string that starts at `i` (a quote); false if it does not end.
    mutating func skipString() -> Bool {
        i += 1
        while i < b.count {
            switch b[i] {
            case UInt8(ascii: "\\"): i += 2
            case UInt8(ascii: "\""): i += 1; return true
            default: i += 1
            }
        }
        return false
    }

    /// Moves past the value that starts at `i`; false if it does not end.
    mutating func skipValue() -> Bool {
        guard i < b.count else { return false }
        switch b[i] {
        case UInt8(ascii: "\""):
            return skipString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while i < b.count {
                switch b[i] {
                case UInt8(ascii: "\""): guard skipString() else { return false }; continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { i += 1; return true }
                default: break
                }
                i += 1
            }
            return false
        default:
            let start = i
            while i < b.count, b[i] != UInt8(ascii: ","), b[i] != UInt8(ascii: "}"), b[i] != UInt8(ascii: "]"),
                  b[i] != 0x20 { i += 1 }
            return i > start
        }
    }
}
