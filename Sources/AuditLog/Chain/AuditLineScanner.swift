import Crypto

/// Reads one line in the `AuditRecordLayout` without a JSON parser: fixed prefixes, fixed-length hashes.
/// This is the verifier's hot path (≥ 1M records in < 3 s), so it works on raw buffers.
enum AuditLineScanner {
    struct Scanned {
        var seq: UInt64
        /// Offsets (into the buffer) of the 64 hex digits of prevHash and hash.
        var prevHashStart: Int
        var hashStart: Int
        var type: AuditRecordLayout.RecordType?
        var hashMatches: Bool
    }

    enum Problem: String, Error {
        case layout = "the line is not an audit record (layout broken)"
        case seq = "the seq field is malformed"
        case hexDigits = "a hash field is not 64 lowercase hex digits"
    }

    /// Scans the line `buf[start..<end]` (newline excluded) and checks its own hash.
    static func scan(_ buf: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Result<Scanned, Problem> {
        let L = AuditRecordLayout.self
        let minimum = L.seqPrefix.count + 1 + L.prevHashPrefix.count + 64 + L.recordTypePrefix.count + 1 + L.tailLength
        guard end - start >= minimum else { return .failure(.layout) }
        guard matches(buf, start, L.seqPrefix) else { return .failure(.layout) }
        var i = start + L.seqPrefix.count
        var seq: UInt64 = 0
        let digitsStart = i
        while i < end, buf[i] >= 0x30, buf[i] <= 0x39, i - digitsStart < 19 {
            seq = seq * 10 + UInt64(buf[i] - 0x30)
            i += 1
        }
        guard i > digitsStart else { return .failure(.seq) }
        guard matches(buf, i, L.prevHashPrefix) else { return .failure(.layout) }
        let prevHashStart = i + L.prevHashPrefix.count
        guard isHex64(buf, prevHashStart) else { return .failure(.hexDigits) }
        i = prevHashStart + 64
        guard matches(buf, i, L.recordTypePrefix) else { return .failure(.layout) }
        i += L.recordTypePrefix.count
        let typeStart = i
        while i < end, buf[i] != UInt8(ascii: "\"") { i += 1 }
        let type = AuditRecordLayout.RecordType(rawValue: String(decoding: UnsafeBufferPointer(rebasing: buf[typeStart..<i]),
                                                                 as: UTF8.self))
        let tail = end - L.tailLength
        guard tail > i, matches(buf, tail, L.hashPrefix), buf[end - 2] == UInt8(ascii: "\""),
              buf[end - 1] == UInt8(ascii: "}") else { return .failure(.layout) }
        let hashStart = tail + L.hashPrefix.count
        guard isHex64(buf, hashStart) else { return .failure(.hexDigits) }
        var hasher = SHA256()
        hasher.update(bufferPointer: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buf[start..<tail])))
        let digest = hasher.finalize()
        let ok = digest.withUnsafeBytes { d -> Bool in
            for k in 0..<32 {
                let hi = AuditHex.value(buf[hashStart + 2 * k])!, lo = AuditHex.value(buf[hashStart + 2 * k + 1])!
                if d[k] != hi << 4 | lo { return false }
            }
            return true
        }
        return .success(Scanned(seq: seq, prevHashStart: prevHashStart, hashStart: hashStart, type: type, hashMatches: ok))
    }

    @inline(__always)
    static func matches(_ buf: UnsafeBufferPointer<UInt8>, _ at: Int, _ literal: [UInt8]) -> Bool {
        guard at + literal.count <= buf.count else { return false }
        for k in 0..<literal.count where buf[at + k] != literal[k] { return false }
        return true
    }

    @inline(__always)
    static func isHex64(_ buf: UnsafeBufferPointer<UInt8>, _ at: Int) -> Bool {
        guard at + 64 <= buf.count else { return false }
        for k in 0..<64 where AuditHex.value(buf[at + k]) == nil { return false }
        return true
    }

    @inline(__always)
    static func equal64(_ buf: UnsafeBufferPointer<UInt8>, _ a: Int, _ b: Int) -> Bool {
        for k in 0..<64 where buf[a + k] != buf[b + k] { return false }
        return true
    }

    // MARK: convenience for slices (open, tests)

    struct Parsed {
        var seq: UInt64
        var prevHash: String
        var hash: String
        var type: AuditRecordLayout.RecordType?
        var computedHashMatches: Bool
    }

    static func scan(_ line: ArraySlice<UInt8>) -> Parsed? {
        let copy = Array(line)
        return copy.withUnsafeBufferPointer { buf -> Parsed? in
            guard case let .success(s) = scan(buf, 0, buf.count) else { return nil }
            func text(_ at: Int) -> String { String(decoding: UnsafeBufferPointer(rebasing: buf[at..<(at + 64)]), as: UTF8.self) }
            return Parsed(seq: s.seq, prevHash: text(s.prevHashStart), hash: text(s.hashStart), type: s.type,
                          computedHashMatches: s.hashMatches)
        }
    }

    static func recordType(_ line: ArraySlice<UInt8>) -> AuditRecordLayout.RecordType? {
        let marker = Array("\"recordType\":\"".utf8)
        guard let r = line.firstRange(of: marker) else { return nil }
        var i = r.upperBound
        var name: [UInt8] = []
        while i < line.endIndex, line[i] != UInt8(ascii: "\""), name.count < 16 { name.append(line[i]); i += 1 }
        return AuditRecordLayout.RecordType(rawValue: String(decoding: name, as: UTF8.self))
    }
}
