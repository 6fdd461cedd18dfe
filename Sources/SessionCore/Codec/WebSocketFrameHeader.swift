/// The header of a final (FIN) WebSocket frame, RFC 6455 §5.2: the opcode, the mask bit and the payload length in
/// 7, 7+16 or 7+64 bits. A masking key, when the frame has one, follows it and is not written here. Shared by the
/// client's frame encoder (ChannelIO, masked) and gangwayd's relay (unmasked), so both encode lengths one way.
public enum WebSocketFrameHeader {
    /// The longest header: two bytes and a 64-bit length.
    public static let maxBytes = 10

    /// Writes the header into `out` (at least `maxBytes` long) and returns its length.
    public static func write(opcode: UInt8, payloadLength: Int, masked: Bool,
                             into out: UnsafeMutableRawBufferPointer) -> Int {
        precondition(out.count >= maxBytes && payloadLength >= 0)
        out[0] = 0x80 | opcode
        let mask: UInt8 = masked ? 0x80 : 0
        if payloadLength < 126 {
            out[1] = mask | UInt8(payloadLength)
            return 2
        }
        if payloadLength <= Int(UInt16.max) {
            out[1] = mask | 126
            out.storeBytes(of: UInt16(payloadLength).bigEndian, toByteOffset: 2, as: UInt16.self)
            return 4
        }
        out[1] = mask | 127
        out.storeBytes(of: UInt64(payloadLength).bigEndian, toByteOffset: 2, as: UInt64.self)
        return 10
    }
}

/// A WebSocket frame's header as read off the wire (RFC 6455 §5.2), any opcode, FIN or not, masked or not.
public struct WebSocketWireHeader: Equatable, Sendable {
    /// The first byte: FIN, the three reserved bits, the opcode.
    public var firstByte: UInt8
    /// The masking key as it appears on the wire (big-endian), when the mask bit is set.
    public var maskKey: UInt32?
    /// The payload length the header declares (up to 2⁶³ - 1; nothing is checked against a limit here).
    public var payloadLength: UInt64
    /// Bytes of header, masking key included.
    public var headerBytes: Int

    public init(firstByte: UInt8, maskKey: UInt32?, payloadLength: UInt64, headerBytes: Int) {
        self.firstByte = firstByte
        self.maskKey = maskKey
        self.payloadLength = payloadLength
        self.headerBytes = headerBytes
    }

    public var fin: Bool { firstByte & 0x80 != 0 }
    public var reservedBits: UInt8 { (firstByte >> 4) & 0x7 }
    public var opcode: UInt8 { firstByte & 0x0F }
    /// The masking key's four bytes in wire order (for `WebSocketMask.apply`).
    public var maskKeyBytes: (UInt8, UInt8, UInt8, UInt8)? {
        maskKey.map { (UInt8($0 >> 24), UInt8(truncatingIfNeeded: $0 >> 16), UInt8(truncatingIfNeeded: $0 >> 8),
                       UInt8(truncatingIfNeeded: $0)) }
    }

    /// The header at the start of `bytes`; nil while not all of its bytes (up to 14) are there.
    public static func read(_ bytes: UnsafeRawBufferPointer) -> WebSocketWireHeader? {
        guard bytes.count >= 2 else { return nil }
        let b1 = bytes[1]
        var length = UInt64(b1 & 0x7F)
        var at = 2
        if length == 126 {
            guard bytes.count >= 4 else { return nil }
            length = UInt64(UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
            at = 4
        } else if length == 127 {
            guard bytes.count >= 10 else { return nil }
            length = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 2, as: UInt64.self))
            at = 10
        }
        var key: UInt32?
        if b1 & 0x80 != 0 {
            guard bytes.count >= at + 4 else { return nil }
            key = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self))
            at += 4
        }
        return WebSocketWireHeader(firstByte: bytes[0], maskKey: key, payloadLength: length, headerBytes: at)
    }
}
