import AuditLog
import Foundation
import Testing

@Suite struct AuditRecoveryTests {
    @Test func aTornLastRecordIsCutAndNotedWithoutLosingEarlierRecords() async throws {
        let dir = TempDir()
        var store = try dir.openStore()
        for i in 0..<6 { try await store.append(sampleEvent(i)) }
        // Simulate a crash in the middle of writing record 7: half a line, no newline.
        let torn = String(try dir.lines()[5].prefix(120))
        let handle = try FileHandle(forWritingTo: dir.segment(1))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(torn.utf8))
        try handle.close()
        if case .success = try dir.verify() { Issue.record("verify accepted a torn tail") }

        store = try dir.openStore()
        #expect(store.recovery?.truncatedBytes == 120)
        #expect(store.recovery?.resumedAfterSeq == 6)
        try await store.append(sampleEvent(7))
        try await store.close()

        guard case let .success(summary) = try dir.verify() else { Issue.record("verify failed after recovery"); return }
        let lines = try dir.lines()
        #expect(lines.prefix(6).allSatisfy { $0.contains("\"recordType\":\"event\"") })
        #expect(lines[6].contains("\"recordType\":\"recovery\""))
        #expect(lines[6].contains("\"truncatedBytes\":120"))
        #expect(summary.records == 10)  // 6 events, recovery, checkpoint, event, final checkpoint
    }

    @Test func aDamagedCompleteLastRecordRefusesToOpen() async throws {
        let dir = TempDir()
        let store = try dir.openStore()
        for i in 0..<3 { try await store.append(sampleEvent(i)) }
        var lines = try dir.lines()
        lines[2] = lines[2].replacingOccurrences(of: "alice", with: "eve")
        try dir.writeLines(lines)
        #expect(throws: AuditStoreError.self) { try dir.openStore() }
    }

    @Test func aLostSigningKeyIsNotSilentlyReplaced() async throws {
        let dir = TempDir()
        let store = try dir.openStore()
        try await store.append(sampleEvent(1))
        try await store.close()
        try FileManager.default.removeItem(at: dir.keyFile)
        #expect(throws: AuditStoreError.self) { try dir.openStore() }
        guard case .success = try dir.verify() else { Issue.record("the old public key was overwritten"); return }
    }
}
