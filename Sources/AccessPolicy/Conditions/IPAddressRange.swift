import Foundation

/// An IPv4 or IPv6 address, as bytes (4 or 16). IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) are stored as IPv4,
/// so they match IPv4 ranges, as a dual-stack listener reports them.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public var bytes: [UInt8]

    public var isIPv4: Bool { bytes.count == 4 }

    /// Parses `10.1.2.3`, `2001:db8::1`, `::ffff:10.0.0.1`, `fe80::1%eth0` (the zone is ignored). Nil if invalid.
    public init?(_ text: String) {
        var s = Substring(text)
        if let pct = s.firstIndex(of: "%") { s = s[..<pct] }
        if s.hasPrefix("[") && s.hasSuffix("]") { s = s.dropFirst().dropLast() }
        if let v4 = Self.parseIPv4(s) {
            bytes = v4
        } else if let v6 = Self.parseIPv6(s) {
            if v6[0..<10].allSatisfy({ $0 == 0 }) && v6[10] == 0xFF && v6[11] == 0xFF {
                bytes = Array(v6[12..<16])
            } else {
                bytes = v6
            }
        } else {
            return nil
        }
    }

    public var description: String {
        if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }

    static func parseIPv4(_ s: Substring) -> [UInt8]? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }), let v = UInt8(p) else { return nil }
            if p.count > 1 && p.first == "0" { return nil } // leading zeros are ambiguous (octal in some parsers)
            out.append(v)
        }
        return out
    }

    static func parseIPv6(_ s: Substring) -> [UInt8]? {
        guard s.contains(":") else { return nil }
        let halves = s.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String, allowTrailingV4: Bool) -> [UInt8]? {
            if part.isEmpty { return [] }
            var out: [UInt8] = []
            let items = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, item) in items.enumerated() {
                if i == items.count - 1, allowTrailingV4, item.contains(".") {
                    guard let v4 = parseIPv4(item) else { return nil }
                    out += v4
                } else {
                    guard (1...4).contains(item.count), let v = UInt16(item, radix: 16) else { return nil }
                    out += [UInt8(v >> 8), UInt8(v & 0xFF)]
                }
            }
            return out
        }
        if halves.count == 1 {
            guard let all = groups(halves[0], allowTrailingV4: true), all.count == 16 else { return nil }
            return all
        }
        guard let head = groups(halves[0], allowTrailingV4: false),
              let tail = groups(halves[1], allowTrailingV4: true),
              head.count + tail.count <= 14 else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}

/// A CIDR block (`10.0.0.0/8`, `2001:db8::/32`) or a single address (a /32 or /128).
public struct IPAddressRange: Sendable, Hashable, CustomStringConvertible {
    public var network: IPAddress
    public var prefixLength: Int

    /// Parses `ADDRESS[/PREFIX]`. Host bits set in the address are ignored (`10.1.2.3/8` is `10.0.0.0/8`), as IAM does.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let addr = IPAddress(String(parts[0])) else { return nil }
        // An IPv4-mapped IPv6 block keeps its meaning in IPv4 terms.
        let mappedV4 = addr.isIPv4 && String(parts[0]).contains(":")
        let maxBits = addr.isIPv4 ? 32 : 128
        var prefix = maxBits
        if parts.count == 2 {
            guard let p = Int(parts[1]), parts[1].allSatisfy(\.isNumber) else { return nil }
            prefix = mappedV4 ? p - 96 : p
            guard (0...maxBits).contains(prefix) else { return nil }
        }
        network = addr
        prefixLength = prefix
    }

    public func contains(_ address: IPAddress) -> Bool {
        guard address.bytes.count == network.bytes.count else { return false }
        var bits = prefixLength
        for i in 0..<network.bytes.count where bits > 0 {
            let take = min(8, bits)
            let mask: UInt8 = take == 8 ? 0xFF : ~(0xFF >> UInt8(take))
            if address.bytes[i] & mask != network.bytes[i] & mask { return false }
            bits -= take
        }
        return true
    }

    public var description: String { "\(network)/\(prefixLength)" }
}
