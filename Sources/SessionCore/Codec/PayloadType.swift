/// The `PayloadType` header field (docs/PROTOCOL.md §Payload types). Open: unknown values decode and keep their number.
public struct PayloadType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    /// 0: acknowledge and control messages carry no payload type.
    public static let untyped = PayloadType(0)
    /// Stdin bytes (client → agent); shell or port output (agent → client).
    public static let output = PayloadType(1)
    public static let error = PayloadType(2)
    /// Terminal size JSON `{"cols":N,"rows":N}` (client → agent).
    public static let size = PayloadType(3)
    public static let parameter = PayloadType(4)
    public static let handshakeRequest = PayloadType(5)
    public static let handshakeResponse = PayloadType(6)
    public static let handshakeComplete = PayloadType(7)
    public static let encChallengeRequest = PayloadType(8)
    public static let encChallengeResponse = PayloadType(9)
    /// A 4-byte big-endian `PayloadFlag`.
    public static let flag = PayloadType(10)
    public static let stdErr = PayloadType(11)
    /// The decimal exit status as ASCII.
    public static let exitCode = PayloadType(12)

    /// The one table of names; numbers are never reused.
    static let names: [UInt32: String] = [
        0: "None", 1: "Output", 2: "Error", 3: "Size", 4: "Parameter", 5: "HandshakeRequest",
        6: "HandshakeResponse", 7: "HandshakeComplete", 8: "EncChallengeRequest", 9: "EncChallengeResponse",
        10: "Flag", 11: "StdErr", 12: "ExitCode",
    ]

    /// The reference name (`Output`, `HandshakeRequest`, …) or `Unknown(N)`.
    public var name: String { Self.names[rawValue] ?? "Unknown(\(rawValue))" }
    public var description: String { name }
}
