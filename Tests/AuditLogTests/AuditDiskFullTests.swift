import AuditLog
import Foundation
import GangwayTesting
import Testing

/// The audit log on a real filesystem that fills up: events are refused (never acknowledged unwritten), nothing of
/// a failed write stays on disk, and the log resumes by itself once there is room, with the chain intact.
@Suite struct AuditDiskFullTests {
    final class Clock: @unchecked Sendable {
        // @unchecked: `now` is guarded by `lock`.
        private let lock = NSLock()
        private var now = Date(timeIntervalSince1970: 1_800_000_000)
        var read: Date { lock.withLock { now } }
        func advance(_ seconds: TimeInterval) { lock.withLock { now += seconds } }
    }

    @Test(.enabled(if: SmallFilesystem.isAvailable, "needs root to mount a tmpfs"))
    func aFullDiskRefusesEventsAndTheLogResumesWhenSpaceIsFreed() async throws {
        let fs = try SmallFilesystem(kibibytes: 256)
        defer { fs.unmount() }
        let clock = Clock()
        let audit = fs.url.appendingPathComponent("audit")
        let options = AuditStore.Options(directory: audit, keyFile: fs.url.appendingPathComponent("keys/k"),
                                         policy: .init(checkpointEvery: 1000, checkpointInterval: 3600),
                                         retryInterval: 1, now: { clock.read })
        let store = try AuditStore(options: options)
        for i in 1...3 { try await store.append(sampleEvent(i)) }

        fs.fill()
        // The segment's last page has room for a few more records; the first that needs a new page fails.
        var written = 3
        var refusal: (any Error)?
        for i in 4...60 {
            do { try await store.append(sampleEvent(i)); written += 1 } catch { refusal = error; break }
        }
        let error = try #require(refusal as? AuditStoreError, "appends kept succeeding on a full disk")
        guard case let .unavailable(reason) = error else { Issue.record("expected unavailable, got \(error)"); return }
        #expect(reason.contains("No space left on device"))
        #expect("\(error)".contains("free disk space"))
        // Refused at once while the retry interval runs: no write is tried per event.
        await #expect(throws: AuditStoreError.self) { try await store.append(sampleEvent(100)) }

        fs.free()
        // Space is back, but the retry waits for its interval…
        await #expect(throws: AuditStoreError.self) { try await store.append(sampleEvent(101)) }
        clock.advance(1.5)
        // …then the log resumes without a restart.
        let seq = try await store.append(sampleEvent(200))
        try await store.append(sampleEvent(201))
        try await store.close()

        let lines = try String(contentsOf: audit.appendingPathComponent(AuditSegments.name(1)), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        // Every acknowledged event is there, no refused one, and a recovery record says what happened.
        let numbers = lines.compactMap { line -> Int? in
            guard let r = line.range(of: "\"n\":") else { return nil }
            return Int(line[r.upperBound...].prefix { $0.isNumber })
        }
        #expect(numbers == Array(1...written) + [200, 201])
        let recovery = try #require(lines.first { $0.contains("\"recovery\"") })
        #expect(recovery.contains("resumed after a failed write"))
        #expect(recovery.contains("No space left on device"))
        #expect(seq == UInt64(written) + 2)  // the recovery record takes the seq after the last written event
        guard case let .success(summary) = try AuditVerifier.verify(directory: audit, publicKey: store.publicKey) else {
            Issue.record("verify failed after recovery"); return
        }
        #expect(summary.records == UInt64(lines.count))

        // A restart continues the same chain.
        let reopened = try AuditStore(options: options)
        #expect(reopened.recovery == nil)
        try await reopened.append(sampleEvent(300))
        try await reopened.close()
        guard case .success = try AuditVerifier.verify(directory: audit, publicKey: store.publicKey) else {
            Issue.record("verify failed after reopening"); return
        }
    }
}
