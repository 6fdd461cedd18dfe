/// The few JSON writing helpers asciicast lines need (Recording has no JSON dependency of its own).
enum AsciicastJSON {
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `s` as a JSON string literal. Copies runs of plain bytes in bulk and skips eight plain bytes at a time
    /// (this is on the relay path: every output frame of every session goes through it).
    static func string(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { buf in
            out.reserveCapacity(out.count + buf.count + 16)
            out.append(UInt8(ascii: "\""))
            let count = buf.count
            var runStart = 0
            var i = 0
            let raw = UnsafeRawBufferPointer(buf)
            while i < count {
                if i + 8 <= count, !mayNeedEscape(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) {
                    i += 8
                    continue
                }
                let end = min(i + 8, count)
                while i < end {
                    let byte = buf[i]
                    i += 1
                    if byte >= 0x20 && byte != 0x22 && byte != 0x5C && byte != 0x7F { continue }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<(i - 1)]))
                    runStart = i
                    out.append(0x5C)  // single appends: an array literal here would allocate per escape
                    switch byte {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
                    case 0x0A: out.append(UInt8(ascii: "n"))
                    case 0x0D: out.append(UInt8(ascii: "r"))
                    case 0x09: out.append(UInt8(ascii: "t"))
                    default:
                        out.append(UInt8(ascii: "u"))
                        out.append(0x30)
                        out.append(0x30)
                        out.append(hex[Int(byte >> 4)])
                        out.append(hex[Int(byte & 0xF)])
                    }
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<count]))
            out.append(UInt8(ascii: "\""))
        }
    }

    /// False when none of the eight bytes in `word` needs escaping (a control byte, `"`, `\` or DEL). May say true
    /// for a word that needs none (the bytes are then checked one by one), never false for one that does.
    @inline(__always)
    static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ x: UInt64) -> Bool { (x &- ones) & ~x & high != 0 }
        let control = (word &- 0x20 &* ones) & ~word & high != 0
        return control || hasZeroByte(word ^ (0x22 &* ones)) || hasZeroByte(word ^ (0x5C &* ones))
            || hasZeroByte(word ^ (0x7F &* ones))
    }

    /// Appends seconds with microsecond precision, no exponent (`12.000500`), without making Strings.
    static func time(_ t: Double, to out: inout [UInt8]) {
        let micros = UInt64(clamping: Int64((max(0, t) * 1_000_000).rounded()))
        var whole = micros / 1_000_000
        let start = out.count
        repeat {
            out.append(UInt8(ascii: "0") + UInt8(whole % 10))
            whole /= 10
        } while whole > 0
        out[start...].reverse()
        out.append(UInt8(ascii: "."))
        var frac = micros % 1_000_000
        var divisor: UInt64 = 100_000
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(frac / divisor))
            frac %= divisor
            divisor /= 10
        }
    }
}
