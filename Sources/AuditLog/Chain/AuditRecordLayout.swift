import Crypto

/// The exact byte layout of one audit log line. Everything that reads or writes lines goes through here.
///
/// ```
/// {"seq":42,"prevHash":"<64 hex>","recordType":"event",<body members>,"hash":"<64 hex>"}\n
/// └──────────────────────────── hashed prefix ───────────────────────┘
/// ```
/// `hash` = SHA-256 of the line's bytes from `{` up to (not including) `,"hash":"`. `prevHash` is the previous
/// record's `hash` (64 zeros for seq 1), so the chain runs through every byte of every earlier record. `seq` starts at
/// 1 and increases by one per record across segment files. Record types:
/// - `event`: a CloudTrail-shaped body (`AuditEvent.json`).
/// - `checkpoint`: `"checkpoint":{"count","headHash","time","keyId"},"signature":"<128 hex>"`; Ed25519 over
///   `AuditRecordLayout.checkpointMessage` — count = seq − 1 records precede it, headHash = its prevHash.
/// - `recovery`: `"recovery":{"time","segment","truncatedBytes","reason"}`, written when a torn tail was cut at open.
public enum AuditRecordLayout {
    public enum RecordType: String, Sendable {
        case event, checkpoint, recovery
    }

    static let seqPrefix: [UInt8] = Array("{\"seq\":".utf8)
    static let prevHashPrefix: [UInt8] = Array(",\"prevHash\":\"".utf8)
    static let recordTypePrefix: [UInt8] = Array("\",\"recordType\":\"".utf8)
    static let hashPrefix: [UInt8] = Array(",\"hash\":\"".utf8)
    /// `,"hash":"` + 64 hex + `"}` — the fixed-length tail of every line (newline excluded).
    static let tailLength = 9 + 64 + 2

    /// Encodes a record line (with trailing newline) and returns it with its hash.
    public static func encode(seq: UInt64, prevHash: String, type: RecordType,
                              body: [(String, AuditJSON)]) -> (line: [UInt8], hash: String) {
        encode(seq: seq, prevHash: prevHash, type: type, encodedBody: encodeBody(body))
    }

    /// The body members as bytes (`,"k":v,"k2":v2`): the part of a line that does not depend on the chain, so
    /// callers can encode it before taking the log's lock.
    public static func encodeBody(_ body: [(String, AuditJSON)]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(640)
        for (key, value) in body {
            out.append(UInt8(ascii: ","))
            AuditJSON.writeString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            value.write(to: &out)
        }
        return out
    }

    public static func encode(seq: UInt64, prevHash: String, type: RecordType,
                              encodedBody: [UInt8]) -> (line: [UInt8], hash: String) {
        var out: [UInt8] = []
        out.reserveCapacity(encodedBody.count + 256)
        out.append(contentsOf: seqPrefix)
        out.append(contentsOf: String(seq).utf8)
        out.append(contentsOf: prevHashPrefix)
        out.append(contentsOf: prevHash.utf8)
        out.append(contentsOf: recordTypePrefix)
        out.append(contentsOf: type.rawValue.utf8)
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: encodedBody)
        let digest = SHA256.hash(data: out)
        var hashHex: [UInt8] = []
        hashHex.reserveCapacity(64)
        AuditHex.append(digest, to: &hashHex)
        out.append(contentsOf: hashPrefix)
        out.append(contentsOf: hashHex)
        out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: "}"), 0x0A])
        return (out, String(decoding: hashHex, as: UTF8.self))
    }

    /// The bytes a checkpoint signature covers.
    public static func checkpointMessage(count: UInt64, headHash: String, time: String) -> [UInt8] {
        Array("gangway-audit-checkpoint/v1\n\(count)\n\(headHash)\n\(time)".utf8)
    }
}
