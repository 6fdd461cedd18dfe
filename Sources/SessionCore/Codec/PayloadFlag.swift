/// The value carried by a `PayloadType.flag` payload: a 4-byte big-endian uint32.
public struct PayloadFlag: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    /// Client → agent (basic port forwarding): the local TCP client went away.
    public static let disconnectToPort = PayloadFlag(1)
    /// Client → agent: end the session.
    public static let terminateSession = PayloadFlag(2)
    /// Agent → client (mux port forwarding): the agent could not dial the target.
    public static let connectToPortError = PayloadFlag(3)

    public var name: String {
        switch rawValue {
        case 1: "DisconnectToPort"
        case 2: "TerminateSession"
        case 3: "ConnectToPortError"
        default: "Unknown(\(rawValue))"
        }
    }
    public var description: String { name }

    /// The 4-byte payload of a Flag message.
    public var payloadBytes: [UInt8] {
        [UInt8(truncatingIfNeeded: rawValue >> 24), UInt8(truncatingIfNeeded: rawValue >> 16),
         UInt8(truncatingIfNeeded: rawValue >> 8), UInt8(truncatingIfNeeded: rawValue)]
    }

    /// Parses a Flag payload; nil unless it is exactly 4 bytes.
    public init?(payload: [UInt8]) {
        guard payload.count == 4 else { return nil }
        rawValue = UInt32(payload[0]) << 24 | UInt32(payload[1]) << 16 | UInt32(payload[2]) << 8 | UInt32(payload[3])
    }
}
