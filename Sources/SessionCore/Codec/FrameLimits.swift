/// What a decoder accepts.
public struct FrameLimits: Sendable, Equatable {
    /// Largest payload accepted, in bytes. Gangway sends at most `StreamConfig.maxChunk` (32 KiB) per message.
    public var maxPayloadBytes: Int
    /// Check the SHA-256 PayloadDigest (never for start/pause_publication, never for an empty payload).
    public var verifyDigest: Bool
    /// Reject a CreatedDate of 0 and a blank MessageType, as the reference plugin's Validate() does.
    public var requireValidHeader: Bool

    public init(maxPayloadBytes: Int = 1 << 20, verifyDigest: Bool = true, requireValidHeader: Bool = true) {
        self.maxPayloadBytes = maxPayloadBytes
        self.verifyDigest = verifyDigest
        self.requireValidHeader = requireValidHeader
    }

    /// 1 MiB payload cap, digest verified, header validated.
    public static let `default` = FrameLimits()
    /// Parses anything structurally sound, checks nothing else: for debugging tools.
    public static let inspection = FrameLimits(maxPayloadBytes: Int.max, verifyDigest: false, requireValidHeader: false)
}
