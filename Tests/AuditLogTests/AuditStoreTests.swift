import AuditLog
import Foundation
import Testing

@Suite struct AuditStoreTests {
    @Test func appendedEventsVerifyWithCheckpointsAndStayCloudTrailShaped() async throws {
        let dir = TempDir()
        let store = try dir.openStore(every: 10)
        for i in 0..<25 { try await store.append(sampleEvent(i)) }
        try await store.close()
        guard case let .success(summary) = try dir.verify() else { Issue.record("verify failed"); return }
        // 25 events + checkpoints after 10, 20 and the final one at close.
        #expect(summary.records == 28)
        #expect(summary.checkpoints == 3)
        #expect(summary.unsealedRecords == 0)
        let first = try JSONSerialization.jsonObject(with: Data(try dir.lines()[0].utf8)) as! [String: Any]
        #expect(first["seq"] as? Int == 1)
        #expect(first["prevHash"] as? String == String(repeating: "0", count: 64))
        #expect(first["eventName"] as? String == "StartSession")
        #expect(first["eventTime"] as? String == "2027-01-15T08:00:00Z")
        #expect((first["userIdentity"] as? [String: Any])?["userName"] as? String == "alice")
        #expect((first["hash"] as? String)?.count == 64)
        #expect(try dir.lines()[10].contains("\"recordType\":\"checkpoint\""))
    }

    @Test func concurrentAppendsShareFsyncsAndKeepTheChainIntact() async throws {
        let dir = TempDir()
        let store = try dir.openStore(every: 100)
        let seqs = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for t in 0..<16 {
                group.addTask {
                    var mine: [UInt64] = []
                    for i in 0..<50 { mine.append(try await store.append(sampleEvent(t * 1000 + i, user: "u\(t)"))) }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(Set(seqs).count == 800)
        #expect(store.syncCount < 800)  // group commit: appends waiting together share one fdatasync
        try await store.close()
        guard case let .success(summary) = try dir.verify() else { Issue.record("verify failed"); return }
        #expect(summary.records == 800 + 8)  // a checkpoint every 100; none left for close
        #expect(summary.checkpoints == 8)
    }

    @Test func segmentsRotateAndTheChainRunsAcrossThem() async throws {
        let dir = TempDir()
        let store = try dir.openStore(every: 1000, maxSegmentBytes: 4096)
        for i in 0..<40 { try await store.append(sampleEvent(i)) }
        try await store.close()
        let segments = try AuditSegments.list(dir.audit)
        #expect(segments.count > 3)
        guard case let .success(summary) = try dir.verify() else { Issue.record("verify failed"); return }
        #expect(summary.segments == segments.count)
        // every full segment ends sealed by a checkpoint
        #expect(try dir.lines(1).last!.contains("\"recordType\":\"checkpoint\""))
    }

    @Test func reopeningContinuesTheChain() async throws {
        let dir = TempDir()
        var store = try dir.openStore()
        for i in 0..<5 { try await store.append(sampleEvent(i)) }
        try await store.close()
        let head = store.head
        store = try dir.openStore()
        #expect(store.head == head)
        #expect(store.recovery == nil)
        try await store.append(sampleEvent(99))
        try await store.close()
        guard case let .success(summary) = try dir.verify() else { Issue.record("verify failed"); return }
        #expect(summary.records == 8)
    }

    @Test func appendsAfterCloseAreRefused() async throws {
        let dir = TempDir()
        let store = try dir.openStore()
        try await store.close()
        await #expect(throws: AuditStoreError.closed) { try await store.append(sampleEvent(1)) }
    }

    @Test func keyFileIsPrivateAndPublicKeyExportsAsPEM() async throws {
        let dir = TempDir()
        let store = try dir.openStore()
        let mode = try FileManager.default.attributesOfItem(atPath: dir.keyFile.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let pem = try String(contentsOf: dir.audit.appendingPathComponent("public-key.pem"), encoding: .utf8)
        #expect(pem.hasPrefix("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA"))
        #expect(try AuditSigningKey.parsePublicKey(AuditSigningKey.hex(store.publicKey)).rawRepresentation
                == store.publicKey.rawRepresentation)
    }

    @Test func aCheckpointIsSignedWhenTheIntervalPassesEvenWithFewEvents() async throws {
        let dir = TempDir()
        let clock = FakeClock(Date(timeIntervalSince1970: 1_800_000_000))
        let store = try AuditStore(options: .init(directory: dir.audit, keyFile: dir.keyFile,
                                                  policy: .init(checkpointEvery: 1000, checkpointInterval: 60),
                                                  now: { clock.now }))
        try await store.append(sampleEvent(1))
        try await store.checkpointIfDue()
        #expect(try dir.lines().count == 1)
        clock.advance(61)
        try await store.checkpointIfDue()
        let lines = try dir.lines()
        #expect(lines.count == 2)
        #expect(lines[1].contains("\"recordType\":\"checkpoint\""))
        #expect(lines[1].contains("\"time\":\"2027-01-15T08:01:01Z\""))
        guard case let .success(summary) = try dir.verify() else { Issue.record("verify failed"); return }
        #expect(summary.unsealedRecords == 0)
    }
}

/// A settable clock for the store's injected `now`.
final class FakeClock: @unchecked Sendable {
    // @unchecked Sendable: `value` is only touched with `lock` held.
    private let lock = NSLock()
    private var value: Date
    init(_ start: Date) { value = start }
    var now: Date { lock.withLock { value } }
    func advance(_ seconds: TimeInterval) { lock.withLock { value += seconds } }
}
