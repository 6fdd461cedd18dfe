/// RFC 6455 §5.3 masking (client-to-server payloads): XOR with the four-byte key repeated, eight bytes at a time.
/// Masking and unmasking are the same operation. (NIO's own goes byte by byte through generic code: a quarter of
/// the agent's CPU on bulk output, and in a debug build about a second per few MiB.)
public enum WebSocketMask {
    /// XORs `bytes` in place with `key`, the payload's first byte at key offset 0.
    public static func apply(key: (UInt8, UInt8, UInt8, UInt8), to bytes: UnsafeMutableRawBufferPointer) {
        let pattern: [UInt8] = [key.0, key.1, key.2, key.3, key.0, key.1, key.2, key.3]
        let word = pattern.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        let count = bytes.count
        var i = 0
        while i + 8 <= count {
            bytes.storeBytes(of: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ word, toByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < count {
            bytes[i] ^= pattern[i & 7]
            i += 1
        }
    }
}
