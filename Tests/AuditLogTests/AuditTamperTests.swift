import AuditLog
import Crypto
import Foundation
import Testing

/// Each way of tampering with a closed log must make verify fail at the record tampered with.
@Suite struct AuditTamperTests {
    func makeLog(_ count: Int = 12) async throws -> TempDir {
        let dir = TempDir()
        let store = try dir.openStore(every: 5)
        for i in 0..<count { try await store.append(sampleEvent(i)) }
        try await store.close()
        return dir
    }

    func failure(_ dir: TempDir) throws -> AuditVerifier.Failure? {
        if case let .failure(f) = try dir.verify() { return f }
        return nil
    }

    @Test func flippingOneByteIsCaughtAtThatRecord() async throws {
        let dir = try await makeLog()
        var lines = try dir.lines()
        lines[3] = lines[3].replacingOccurrences(of: "\"alice\"", with: "\"mallory\"")
        try dir.writeLines(lines)
        let f = try #require(try failure(dir))
        #expect(f.segment == "segment-000001.jsonl")
        #expect(f.line == 4)
        #expect(f.seq == 4)
        #expect(f.reason.contains("modified"))
    }

    @Test func deletingALineIsCaughtAtTheNextRecord() async throws {
        let dir = try await makeLog()
        var lines = try dir.lines()
        lines.remove(at: 2)
        try dir.writeLines(lines)
        let f = try #require(try failure(dir))
        #expect(f.line == 3)
        #expect(f.seq == 4)
    }

    @Test func swappingTwoRecordsIsCaught() async throws {
        let dir = try await makeLog()
        var lines = try dir.lines()
        lines.swapAt(1, 2)
        try dir.writeLines(lines)
        let f = try #require(try failure(dir))
        #expect(f.line == 2)
    }

    @Test func truncatingMidRecordIsCaughtAtThatRecord() async throws {
        let dir = try await makeLog()
        let data = try Data(contentsOf: dir.segment(1))
        let lines = try dir.lines()
        let cut = lines.prefix(7).map { $0.utf8.count + 1 }.reduce(0, +) + 40
        try data.prefix(cut).write(to: dir.segment(1))
        let f = try #require(try failure(dir))
        #expect(f.line == 8)
        #expect(f.reason.contains("truncated"))
    }

    @Test func rewritingTheWholeChainWithoutTheKeyFailsAtTheFirstCheckpoint() async throws {
        let dir = try await makeLog()
        // A forger edits record 2 and recomputes every hash after it: the chain is consistent again,
        // but the signed checkpoint no longer matches (they cannot sign without gangwayd's private key).
        var lines = try dir.lines()
        lines[1] = lines[1].replacingOccurrences(of: "\"alice\"", with: "\"mallory\"")
        var prev = String(repeating: "0", count: 64)
        for i in lines.indices {
            var line = lines[i]
            let prevRange = line.range(of: "\"prevHash\":\"")!
            line.replaceSubrange(prevRange.upperBound..<line.index(prevRange.upperBound, offsetBy: 64), with: prev)
            let body = String(line.dropLast(75))
            let hash = SHA256.hash(data: Data(body.utf8)).map { String(format: "%02x", $0) }.joined()
            line = body + ",\"hash\":\"\(hash)\"}"
            lines[i] = line
            prev = hash
        }
        try dir.writeLines(lines)
        let f = try #require(try failure(dir))
        #expect(f.line == 6)  // the first checkpoint (after 5 events)
        #expect(f.reason.contains("checkpoint"))
    }

    @Test func aDifferentPublicKeyIsRejected() async throws {
        let dir = try await makeLog()
        let other = Curve25519.Signing.PrivateKey().publicKey
        guard case let .failure(f) = try AuditVerifier.verify(directory: dir.audit, publicKey: other) else {
            Issue.record("verified with the wrong key"); return
        }
        #expect(f.reason.contains("signature"))
    }

    @Test func removingAMiddleSegmentIsCaught() async throws {
        let dir = TempDir()
        let store = try dir.openStore(maxSegmentBytes: 2048)
        for i in 0..<30 { try await store.append(sampleEvent(i)) }
        try await store.close()
        try FileManager.default.removeItem(at: dir.segment(2))
        let f = try #require(try failure(dir))
        #expect(f.reason.contains("segment-000002.jsonl is missing"))
    }
}
