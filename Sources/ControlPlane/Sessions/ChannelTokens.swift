import Foundation

/// What a channel token lets its bearer open.
public enum ChannelGrant: Sendable, Equatable {
    /// The agent's control channel (CreateControlChannel).
    case controlChannel(instanceId: String)
    /// The agent's side of a session's data channel (CreateDataChannel).
    case agentDataChannel(sessionId: String, instanceId: String)
    /// The client's side of a session's data channel (StartSession / ResumeSession TokenValue).
    case clientDataChannel(sessionId: String)
}

/// Single-use, expiring channel tokens. I/O-free: time comes in as arguments. Only hashes are kept.
public struct ChannelTokenBook: Sendable {
    struct Entry: Sendable {
        var grant: ChannelGrant
        var expiresAt: Date
    }
    private var entries: [String: Entry] = [:]

    public init() {}

    /// Records `token` as granting `grant` until `now + ttl`. Also drops expired entries.
    public mutating func issue(_ token: String, grant: ChannelGrant, now: Date, ttl: TimeInterval) {
        purge(now: now)
        entries[Identifiers.tokenHash(token)] = Entry(grant: grant, expiresAt: now.addingTimeInterval(ttl))
    }

    public enum Redemption: Sendable, Equatable {
        case granted(ChannelGrant)
        /// Never issued, already used, or expired: the three are indistinguishable on purpose.
        case rejected
    }

    /// Uses the token: valid once, before it expires.
    public mutating func redeem(_ token: String, now: Date) -> Redemption {
        let hash = Identifiers.tokenHash(token)
        guard let entry = entries.removeValue(forKey: hash) else { return .rejected }
        guard entry.expiresAt > now else { return .rejected }
        return .granted(entry.grant)
    }

    /// Invalidates every outstanding token for a session (it ended).
    public mutating func revoke(sessionId: String) {
        entries = entries.filter { _, e in
            switch e.grant {
            case .clientDataChannel(let s), .agentDataChannel(let s, _): return s != sessionId
            case .controlChannel: return true
            }
        }
    }

    public mutating func purge(now: Date) {
        if entries.count > 64 { entries = entries.filter { $0.value.expiresAt > now } }
    }

    public var count: Int { entries.count }
}
