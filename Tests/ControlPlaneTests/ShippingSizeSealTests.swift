import AWSCore
import AuditLog
import ControlPlane
import Foundation
import GangwayTesting
import Testing

/// Segments the audit log seals by size reach S3 through the sink's hook (no timer), and the shipped copies verify
/// offline with nothing but themselves and `public-key.pem` — as an auditor would check them.
@Suite(.enabled(if: MotoServer.isAvailable, "moto_server not installed: run `bash .ci/deps --test` (pip moto[server])"))
struct ShippingSizeSealTests {
    @Test func segmentsSealedBySizeAreShippedAndVerifyOffline() async throws {
        let moto = try #require(try await MotoServer.shared())
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gw-ship-size-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let s3 = S3Client(settings: AWSClientSettings(credentials: ShippingTests.credentials, region: "eu-west-1",
                                                      endpointURL: moto.endpoint))
        try await s3.createBucket("gw-size-seal", objectLockEnabled: true)
        let store = try AuditStore(options: .init(directory: dir.appendingPathComponent("audit"),
                                                  keyFile: dir.appendingPathComponent("keys/audit.key"), maxSegmentBytes: 4096))
        let sink = AuditLogSink(store: store)
        let config = S3ShippingConfig(bucket: "gw-size-seal", region: "eu-west-1", endpointURL: moto.endpoint, prefix: "p",
                                      retentionDays: 1, sealInterval: 0, retryInitial: 0.1, retryMax: 0.4,
                                      credentials: ShippingTests.credentials)
        let shipper = try ArchiveShipper(config: config, dataDir: dir, auditSink: sink)
        await shipper.start(audit: sink, recordingsDirectory: nil)
        defer { Task { await shipper.stop() } }

        for i in 0..<40 {
            try await sink.record(AuditEventInput(eventTime: Date(), eventSource: "ssm.amazonaws.com",
                                                  eventName: "DescribeSessions", principal: "alice",
                                                  requestParameters: Data("{\"n\":\(i)}".utf8)))
        }
        let sealed = try sink.sealedSegments().map(\.lastPathComponent)
        #expect(sealed.count >= 2, "40 events of ~400 bytes fill more than two 4 KiB segments")
        let keys = sealed.map { "p/audit/\($0)" }
        #expect(try await eventually(10) {
            let listed = Set((try? await s3.listObjects(bucket: "gw-size-seal", prefix: "p/"))?.map(\.key) ?? [])
            return Set(keys).isSubset(of: listed)
        })

        // An auditor's copy: the shipped segments and the public key, nothing else.
        let copy = dir.appendingPathComponent("auditor")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        for (name, key) in zip(sealed, keys) {
            try Data(try await s3.getObject(bucket: "gw-size-seal", key: key)).write(to: copy.appendingPathComponent(name))
            #expect(try await s3.headObject(bucket: "gw-size-seal", key: key).lockMode == .compliance)
        }
        let pem = try String(contentsOf: dir.appendingPathComponent("audit/public-key.pem"), encoding: .utf8)
        let result = try AuditVerifier.verify(directory: copy, publicKey: try AuditSigningKey.parsePublicKey(pem))
        let summary = try result.get()
        #expect(summary.segments == sealed.count)
        #expect(summary.unsealedRecords == 0, "each shipped segment ends with a signed checkpoint")
    }
}
