import Crypto
import Foundation

/// The chain as a state machine, no I/O: events in, encoded lines out. Decides when a checkpoint is due
/// (every `checkpointEvery` records or `checkpointInterval` seconds, whichever comes first).
public struct AuditChain {
    public struct Policy: Sendable {
        public var checkpointEvery: Int
        public var checkpointInterval: TimeInterval
        public init(checkpointEvery: Int = 1000, checkpointInterval: TimeInterval = 60) {
            self.checkpointEvery = checkpointEvery
            self.checkpointInterval = checkpointInterval
        }
    }

    /// seq of the next record (1 for an empty log).
    public private(set) var nextSeq: UInt64
    /// hash of the last record (zeros for an empty log).
    public private(set) var headHash: String
    public private(set) var recordsSinceCheckpoint: Int
    private var lastCheckpointAt: Date
    private let policy: Policy
    private let key: Curve25519.Signing.PrivateKey
    private let keyId: String

    public init(nextSeq: UInt64 = 1, headHash: String = AuditHex.zeroHash, recordsSinceCheckpoint: Int = 0,
                now: Date, policy: Policy = Policy(), key: Curve25519.Signing.PrivateKey) {
        self.nextSeq = nextSeq
        self.headHash = headHash
        self.recordsSinceCheckpoint = recordsSinceCheckpoint
        self.lastCheckpointAt = now
        self.policy = policy
        self.key = key
        self.keyId = AuditSigningKey.keyId(key.publicKey)
    }

    private mutating func append(_ type: AuditRecordLayout.RecordType, _ body: [(String, AuditJSON)]) -> [UInt8] {
        let (line, hash) = AuditRecordLayout.encode(seq: nextSeq, prevHash: headHash, type: type, body: body)
        nextSeq += 1
        headHash = hash
        return line
    }

    /// The line for `event`, followed by a checkpoint line when one is due.
    public mutating func append(_ event: AuditEvent, now: Date) -> [UInt8] {
        append(encodedEvent: Self.encode(event), now: now)
    }

    /// An event's body bytes, encoded ahead of `append(encodedEvent:now:)` (outside any lock).
    public static func encode(_ event: AuditEvent) -> [UInt8] {
        guard case let .object(members) = event.json else { return [] }
        return AuditRecordLayout.encodeBody(members)
    }

    public mutating func append(encodedEvent body: [UInt8], now: Date) -> [UInt8] {
        let (line, hash) = AuditRecordLayout.encode(seq: nextSeq, prevHash: headHash, type: .event, encodedBody: body)
        nextSeq += 1
        headHash = hash
        var out = line
        recordsSinceCheckpoint += 1
        if checkpointDue(now: now) { out += checkpoint(now: now) }
        return out
    }

    public func checkpointDue(now: Date) -> Bool {
        recordsSinceCheckpoint > 0 && (recordsSinceCheckpoint >= policy.checkpointEvery
            || now.timeIntervalSince(lastCheckpointAt) >= policy.checkpointInterval)
    }

    /// A signed checkpoint over every record so far.
    public mutating func checkpoint(now: Date) -> [UInt8] {
        let count = nextSeq - 1
        let time = AuditTime.format(now)
        let message = AuditRecordLayout.checkpointMessage(count: count, headHash: headHash, time: time)
        let signature = (try? key.signature(for: message)).map { AuditHex.encode($0) } ?? ""
        let line = append(.checkpoint, [
            ("checkpoint", .object([("count", .number(String(count))), ("headHash", .string(headHash)),
                                    ("time", .string(time)), ("keyId", .string(keyId))])),
            ("signature", .string(signature)),
        ])
        recordsSinceCheckpoint = 0
        lastCheckpointAt = now
        return line
    }

    /// Notes that a torn tail was cut when the log was opened.
    public mutating func recovery(now: Date, segment: String, truncatedBytes: Int, reason: String) -> [UInt8] {
        recordsSinceCheckpoint += 1
        return append(.recovery, [
            ("recovery", .object([("time", .string(AuditTime.format(now))), ("segment", .string(segment)),
                                  ("truncatedBytes", .int(truncatedBytes)), ("reason", .string(reason))])),
        ])
    }
}
