import Foundation
import Synchronization

/// Random version-4 UUIDs for the MessageId of every frame, without a system call per frame.
///
/// Foundation's `UUID()` on Linux opens, reads and closes /dev/urandom each time: three system calls per frame,
/// on every keystroke and every acknowledgement (seen with strace on the client and the agent). A message id only
/// has to be unique, it protects nothing, so ids come from a xoshiro256** generator seeded once per process from
/// the system's random source (256 bits of seed: two processes do not share a sequence).
public enum MessageID {
    public static func random() -> UUID {
        let (a, b) = generator.withLock { g in (g.next(), g.next()) }
        var bytes = (a.bigEndian, b.bigEndian)
        return withUnsafeMutableBytes(of: &bytes) { raw in
            raw[6] = (raw[6] & 0x0F) | 0x40  // version 4
            raw[8] = (raw[8] & 0x3F) | 0x80  // RFC 4122 variant
            return UUID(uuid: raw.load(as: uuid_t.self))
        }
    }

    /// The canonical lowercase hyphenated text of `id` (what `uuidString.lowercased()` gives), without Foundation's
    /// formatter: every acknowledgement names its message this way, so it is on the per-keystroke path.
    public static func lowercasedText(_ id: UUID) -> String {
        String(unsafeUninitializedCapacity: 36) { out in
            writeLowercasedText(id, into: out)
            return 36
        }
    }

    /// `lowercasedText`, appended to `bytes` (an acknowledgement's JSON is built this way, without the String).
    public static func appendLowercasedText(_ id: UUID, to bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: 36))
        bytes.withUnsafeMutableBufferPointer { all in
            writeLowercasedText(id, into: UnsafeMutableBufferPointer(rebasing: all[start..<(start + 36)]))
        }
    }

    private static func writeLowercasedText(_ id: UUID, into out: UnsafeMutableBufferPointer<UInt8>) {
        withUnsafeBytes(of: id.uuid) { raw in
            var o = 0
            for i in 0..<16 {
                if i == 4 || i == 6 || i == 8 || i == 10 { out[o] = 0x2D; o += 1 }
                LowerHex.write(raw[i], into: out, at: o)
                o += 2
            }
        }
    }

    private static let generator = Mutex(Xoshiro256StarStar(seededBy: SystemRandomNumberGenerator()))
}

/// xoshiro256** (Blackman and Vigna, public domain algorithm): fast, 256-bit state, not cryptographic.
struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    init(seededBy source: some RandomNumberGenerator) {
        var source = source
        repeat {
            s = (source.next(), source.next(), source.next(), source.next())
        } while s == (0, 0, 0, 0)
    }

    mutating func next() -> UInt64 {
        let result = rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = rotl(s.3, 45)
        return result
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

/// Lowercase hexadecimal digits, written straight into a buffer (message ids, frame dumps).
enum LowerHex {
    /// Writes `byte`'s two digits at `out[at]` and `out[at + 1]`.
    static func write(_ byte: UInt8, into out: UnsafeMutableBufferPointer<UInt8>, at: Int) {
        out[at] = digit(byte >> 4)
        out[at + 1] = digit(byte & 0x0F)
    }

    /// The digits of `bytes`, two per byte.
    static func text(_ bytes: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            for (i, b) in bytes.enumerated() { write(b, into: out, at: 2 * i) }
            return bytes.count * 2
        }
    }

    private static func digit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }
}
