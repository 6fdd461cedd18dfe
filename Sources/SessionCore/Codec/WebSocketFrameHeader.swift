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
