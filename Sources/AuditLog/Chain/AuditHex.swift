/// Lowercase hex, table-driven (on the append and verify hot paths).
public enum AuditHex {
    static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        append(bytes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public static func append(_ bytes: some Sequence<UInt8>, to out: inout [UInt8]) {
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
    }

    /// Value of one lowercase hex digit, or nil (uppercase is rejected: the log only writes lowercase).
    @inline(__always)
    static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }

    public static func decode(_ text: String) -> [UInt8]? {
        let b = Array(text.utf8)
        guard b.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(b.count / 2)
        var i = 0
        while i < b.count {
            guard let hi = value(b[i] | 0x20), let lo = value(b[i + 1] | 0x20) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    /// The hash every chain starts from.
    public static let zeroHash = String(repeating: "0", count: 64)
}
