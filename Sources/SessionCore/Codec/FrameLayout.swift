/// Byte offsets of the ClientMessage header (docs/PROTOCOL.md §Frame). All integers big-endian.
public enum FrameLayout {
    public static let headerLengthOffset = 0
    public static let messageTypeOffset = 4
    public static let messageTypeLength = 32
    public static let schemaVersionOffset = 36
    public static let createdDateOffset = 40
    public static let sequenceNumberOffset = 48
    public static let flagsOffset = 56
    public static let messageIdOffset = 64
    public static let payloadDigestOffset = 80
    public static let digestLength = 32
    public static let payloadTypeOffset = 112
    /// The HeaderLength value Gangway writes: the offset of PayloadLength.
    public static let headerLength = 116
    /// Header plus PayloadLength: the payload starts here, and no frame is shorter.
    public static let minimumFrameLength = 120
}

// Big-endian helpers over raw buffers. Callers check bounds first; these never read out of range when they do.
extension UnsafeMutableRawBufferPointer {
    @inline(__always) func storeBE<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        storeBytes(of: value.bigEndian, toByteOffset: offset, as: T.self)
    }
}

extension UnsafeRawBufferPointer {
    @inline(__always) func loadBE<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        T(bigEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
