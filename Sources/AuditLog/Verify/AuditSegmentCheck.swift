import Crypto
import Foundation

/// Verifies one segment on its own: each line's hash, seq +1 and prevHash links inside the segment, checkpoint
/// signatures. What it cannot know (the link to the previous segment) it returns for `AuditVerifier` to stitch.
struct AuditSegmentCheck {
    var count = 0
    var checkpoints = 0
    var firstSeq: UInt64 = 0
    var firstPrevHash = ""
    var lastSeq: UInt64 = 0
    var lastHash = ""
    /// Records after the last checkpoint of this segment; -1 when the segment has no checkpoint.
    var sinceCheckpoint = -1
    var failure: (line: Int, seq: UInt64?, reason: String)?

    static func run(_ bytes: [UInt8], publicKey: Curve25519.Signing.PublicKey) -> AuditSegmentCheck {
        bytes.withUnsafeBufferPointer { run($0, publicKey: publicKey) }
    }

    /// Maps the file read-only (no copy, no zero-fill) and checks it.
    static func run(file: URL, publicKey: Curve25519.Signing.PublicKey) throws -> AuditSegmentCheck {
        let fd = open(file.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw AuditStoreError.io("cannot open \(file.path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw AuditStoreError.io("cannot stat \(file.path)") }
        let size = Int(st.st_size)
        if size == 0 { return AuditSegmentCheck() }
        guard let map = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED else {
            return run(try AuditSegments.readAll(file), publicKey: publicKey)
        }
        defer { munmap(map, size) }
        _ = madvise(map, size, MADV_SEQUENTIAL)
        return run(UnsafeBufferPointer(start: map.assumingMemoryBound(to: UInt8.self), count: size), publicKey: publicKey)
    }

    static func run(_ buf: UnsafeBufferPointer<UInt8>, publicKey: Curve25519.Signing.PublicKey) -> AuditSegmentCheck {
        var r = AuditSegmentCheck()
        do {
            var start = 0
            var line = 0
            var prevHashAt = -1
            var prevSeq: UInt64 = 0
            while start < buf.count {
                line += 1
                let found = memchr(buf.baseAddress! + start, 0x0A, buf.count - start)
                guard let found else {
                    r.failure = (line, nil, "the record is incomplete (the file was truncated in the middle of it)")
                    return r
                }
                let end = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - buf.baseAddress!
                defer { start = end + 1 }
                let s: AuditLineScanner.Scanned
                switch AuditLineScanner.scan(buf, start, end) {
                case let .failure(problem): r.failure = (line, nil, problem.rawValue); return r
                case let .success(v): s = v
                }
                guard s.hashMatches else {
                    r.failure = (line, s.seq, "the record's content does not match its hash (the record was modified)")
                    return r
                }
                if prevHashAt < 0 {
                    r.firstSeq = s.seq
                    r.firstPrevHash = text(buf, s.prevHashStart)
                } else {
                    guard s.seq == prevSeq + 1 else {
                        r.failure = (line, s.seq, "expected seq \(prevSeq + 1) (records were removed or reordered)")
                        return r
                    }
                    guard AuditLineScanner.equal64(buf, s.prevHashStart, prevHashAt) else {
                        r.failure = (line, s.seq, "prevHash does not match the hash of the previous line "
                                     + "(a record before it was removed, reordered or rewritten)")
                        return r
                    }
                }
                switch s.type {
                case .checkpoint?:
                    if let reason = checkCheckpoint(buf, start, end, s, publicKey) {
                        r.failure = (line, s.seq, reason)
                        return r
                    }
                    r.checkpoints += 1
                    r.sinceCheckpoint = 0
                case .event?, .recovery?:
                    if r.sinceCheckpoint >= 0 { r.sinceCheckpoint += 1 }
                case nil:
                    r.failure = (line, s.seq, "unknown recordType")
                    return r
                }
                r.count += 1
                prevHashAt = s.hashStart
                prevSeq = s.seq
            }
            if prevHashAt >= 0 {
                r.lastSeq = prevSeq
                r.lastHash = text(buf, prevHashAt)
            }
        }
        return r
    }

    private static func text(_ buf: UnsafeBufferPointer<UInt8>, _ at: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: buf[at..<(at + 64)]), as: UTF8.self)
    }

    /// nil if the checkpoint is valid, else why not.
    private static func checkCheckpoint(_ buf: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                                        _ s: AuditLineScanner.Scanned,
                                        _ key: Curve25519.Signing.PublicKey) -> String? {
        guard let json = try? AuditJSONParser.parse(UnsafeBufferPointer(rebasing: buf[start..<end])),
              let cp = json["checkpoint"], let countText = cp["count"], case let .number(n) = countText,
              let count = UInt64(n), let head = cp["headHash"]?.stringValue, let time = cp["time"]?.stringValue,
              let sigHex = json["signature"]?.stringValue, let sig = AuditHex.decode(sigHex) else {
            return "checkpoint fields are missing or malformed"
        }
        guard count == s.seq - 1, head == text(buf, s.prevHashStart) else {
            return "checkpoint count/headHash do not describe the records before it"
        }
        let message = AuditRecordLayout.checkpointMessage(count: count, headHash: head, time: time)
        guard key.isValidSignature(sig, for: message) else {
            let keyId = cp["keyId"]?.stringValue ?? "?"
            return "checkpoint signature does not verify with the given public key "
                + "(checkpoint keyId \(keyId), given key \(AuditSigningKey.keyId(key)))"
        }
        return nil
    }
}
