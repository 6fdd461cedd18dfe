import Crypto
import Foundation

/// Checks an audit directory offline with nothing but its files and the public key: every record's own hash, the
/// chain from seq 1 through every segment, and every checkpoint's Ed25519 signature. Segments are checked in
/// parallel, then stitched in order; the first bad record is named by segment file, line and seq.
public enum AuditVerifier {
    public struct Summary: Sendable, Equatable {
        public var records: UInt64
        public var segments: Int
        public var checkpoints: Int
        public var headHash: String
        /// Records after the last signed checkpoint: their integrity rests on the chain only (a truncation of them
        /// is detectable only against an externally kept checkpoint).
        public var unsealedRecords: UInt64
    }

    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var segment: String
        public var line: Int
        public var seq: UInt64?
        public var reason: String
        public var description: String {
            "\(segment) line \(line)" + (seq.map { " (seq \($0))" } ?? "") + ": \(reason)"
        }
    }

    public static func verify(directory: URL, publicKey: Curve25519.Signing.PublicKey) throws -> Result<Summary, Failure> {
        let numbers = try AuditSegments.list(directory)
        guard !numbers.isEmpty else {
            return .failure(Failure(segment: directory.lastPathComponent, line: 0, seq: nil,
                                    reason: "no segment-*.jsonl files: is this an audit directory?"))
        }
        let results = SegmentResults(count: numbers.count)
        let rawKey = publicKey.rawRepresentation  // Data is Sendable; the key type is not
        DispatchQueue.concurrentPerform(iterations: numbers.count) { i in
            let name = AuditSegments.name(numbers[i])
            let result: AuditSegmentCheck
            do {
                let key = try Curve25519.Signing.PublicKey(rawRepresentation: rawKey)
                result = try AuditSegmentCheck.run(file: directory.appendingPathComponent(name), publicKey: key)
            } catch {
                result = AuditSegmentCheck(failure: (0, nil, "cannot read: \(error)"))
            }
            results.set(i, result)
        }
        var summary = Summary(records: 0, segments: numbers.count, checkpoints: 0, headHash: AuditHex.zeroHash,
                              unsealedRecords: 0)
        var expectedSeq: UInt64 = 1
        for (i, number) in numbers.enumerated() {
            let name = AuditSegments.name(number)
            let r = results.get(i)
            func fail(_ line: Int, _ seq: UInt64?, _ reason: String) -> Result<Summary, Failure> {
                .failure(Failure(segment: name, line: line, seq: seq, reason: reason))
            }
            if i > 0, number != numbers[i - 1] + 1 {
                return fail(0, nil, "\(AuditSegments.name(numbers[i - 1] + 1)) is missing (segments must be consecutive)")
            }
            if let f = r.failure, f.line <= 1 { return fail(f.line, f.seq, f.reason) }
            if r.count == 0 {
                if i == numbers.count - 1 { break }
                return fail(1, nil, "segment is empty but later segments exist (records were removed)")
            }
            if r.firstSeq != expectedSeq {
                return fail(1, r.firstSeq, expectedSeq == 1
                    ? "the log must start at seq 1 (earlier records or segments were removed)"
                    : "expected seq \(expectedSeq) after the previous segment (records were removed or reordered)")
            }
            if r.firstPrevHash != summary.headHash {
                return fail(1, r.firstSeq, "prevHash does not match the hash of the previous record "
                    + "(\(i == 0 ? "the first record" : "the last record of \(AuditSegments.name(numbers[i - 1]))") was changed)")
            }
            if let f = r.failure { return fail(f.line, f.seq, f.reason) }
            summary.records += UInt64(r.count)
            summary.checkpoints += r.checkpoints
            summary.headHash = r.lastHash
            summary.unsealedRecords = r.sinceCheckpoint >= 0 ? UInt64(r.sinceCheckpoint) : summary.unsealedRecords + UInt64(r.count)
            expectedSeq = r.lastSeq + 1
        }
        return .success(summary)
    }
}

/// Results of the parallel per-segment pass. A class so the concurrent closure can fill it.
private final class SegmentResults: @unchecked Sendable {
    // @unchecked Sendable: `items` is only touched with `lock` held.
    private let lock = NSLock()
    private var items: [AuditSegmentCheck]
    init(count: Int) { items = Array(repeating: AuditSegmentCheck(), count: count) }
    func set(_ i: Int, _ r: AuditSegmentCheck) { lock.withLock { items[i] = r } }
    func get(_ i: Int) -> AuditSegmentCheck { lock.withLock { items[i] } }
}
