import AWSCore
import ControlPlane
import Foundation
import GangwayTesting
import Testing

/// S3 shipping (Shipping/ArchiveShipper) on a real in-process gangwayd against a real `moto_server` on 127.0.0.1:
/// sealed audit segments and finished recordings land in an Object Lock bucket with COMPLIANCE retention, an S3
/// outage is retried until it ends, and a restart ships what was not shipped (and nothing twice).
@Suite(.enabled(if: MotoServer.isAvailable, "moto_server not installed: run `bash .ci/deps --test` (pip moto[server])"))
struct ShippingTests {
    static let credentials = AWSCredentials(accessKeyId: "AKIAGANGWAYSHIP00001", secretAccessKey: "ship-secret")

    struct Fixture {
        let moto: MotoServer
        let s3: S3Client
        let dir: URL
        var config: S3ShippingConfig
        var bucket: String { config.bucket }

        func dataConfig() -> ControlPlaneConfig {
            var c = ControlPlaneConfig(port: 0, dataDir: dir)
            c.s3 = config
            return c
        }

        func createBucket() async throws { try await s3.createBucket(bucket, objectLockEnabled: true) }

        func keys() async -> [String] {
            (try? await s3.listObjects(bucket: bucket, prefix: "t/gw/"))?.map(\.key).sorted() ?? []
        }

        /// An API call gangwayd audits (unsigned, so denied): gives the audit log records to seal.
        func auditedCall(_ server: ControlPlaneServer) async throws {
            _ = try await HTTPClient().execute(AWSCore.HTTPRequest(method: "POST", url: server.baseURL + "/",
                headers: [("X-Amz-Target", "AmazonSSM.DescribeSessions"), ("Content-Type", "application/x-amz-json-1.1")],
                body: Array("{}".utf8)))
        }

        func metrics(_ server: ControlPlaneServer) async throws -> String {
            try await HTTPClient().execute(AWSCore.HTTPRequest(method: "GET", url: server.baseURL + "/metrics")).bodyText
        }

        func auditText() throws -> String {
            let audit = dir.appendingPathComponent("audit")
            return try FileManager.default.contentsOfDirectory(atPath: audit.path).filter { $0.hasSuffix(".jsonl") }.sorted()
                .map { try String(contentsOf: audit.appendingPathComponent($0), encoding: .utf8) }.joined()
        }
    }

    /// `ownMoto`: a moto of its own (the test stops it); otherwise the process's shared one with a fresh bucket.
    static func withFixture(ownMoto: Bool = false, _ body: (Fixture) async throws -> Void) async throws {
        let moto = try #require(try await (ownMoto ? MotoServer.start() : MotoServer.shared()))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gw-ship-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let s3 = S3Client(settings: AWSClientSettings(credentials: credentials, region: "eu-west-1", endpointURL: moto.endpoint))
        let bucket = "gw-archive-\(UUID().uuidString.prefix(8).lowercased())"
        let config = S3ShippingConfig(bucket: bucket, region: "eu-west-1", endpointURL: moto.endpoint, prefix: "/t/gw/",
                                      objectLockMode: .compliance, retentionDays: 1, sealInterval: 0, retryInitial: 0.1,
                                      retryMax: 0.4, credentials: credentials)
        let f = Fixture(moto: moto, s3: s3, dir: dir, config: config)
        do {
            try await f.createBucket()
            try await body(f)
        } catch {
            if ownMoto { await moto.stop() }
            throw error
        }
        if ownMoto { await moto.stop() }
    }

    @Test func sealedAuditSegmentIsShippedWithComplianceRetentionAndTheShipmentIsAudited() async throws {
        try await Self.withFixture { f in
            let server = try await ControlPlaneServer.start(f.dataConfig())
            let shipper = try #require(server.shipper)
            try await f.auditedCall(server)
            let started = Date()
            let sealed = try #require(try await shipper.sealAndShipAuditSegment())
            #expect(sealed.lastPathComponent == "segment-000001.jsonl")
            let key = "t/gw/audit/segment-000001.jsonl"
            #expect(try await eventually(10) { await f.keys() == [key] })

            let local = try Data(contentsOf: sealed)
            #expect(try await f.s3.getObject(bucket: f.bucket, key: key) == [UInt8](local))
            // HeadObject's lock headers (moto 5.x has no GetObjectRetention).
            let head = try await f.s3.headObject(bucket: f.bucket, key: key)
            #expect(head.lockMode == .compliance)
            #expect(abs((head.retainUntil ?? .distantPast).timeIntervalSince(started.addingTimeInterval(86_400))) < 30)
            await #expect(throws: S3Error.self) {
                try await f.s3.deleteObject(bucket: f.bucket, key: key, versionId: head.versionId)
            }
            #expect(try await eventually { (try? f.auditText())?.contains("ShipAuditSegment") == true })
            let metrics = try await f.metrics(server)
            #expect(metrics.contains("gangway_ship_uploads_total 1"))
            #expect(metrics.contains("gangway_ship_failures_total 0"))
            // Nothing new to seal: no empty segment is shipped.
            #expect(try await shipper.sealAndShipAuditSegment(onlyIfActivity: true) == nil)
            await server.shutdown()
        }
    }

    @Test func finishedSessionRecordingIsShippedAfterTheSessionEnds() async throws {
        try await Self.withFixture { f in
            let recordings = f.dir.appendingPathComponent("recordings")
            let cp = try await TestControlPlane(configure: { $0.s3 = f.config },
                                                recorder: FileSessionRecorder(directory: recordings))
            defer { Task { await cp.stop() } }
            let s = try await startSession(cp)
            try await s.agentData.sendBinary(Frames.output("shipped-output-7\r\n", seq: 0))
            _ = await s.client.next()
            let key = "t/gw/recordings/\(s.sessionId).cast"
            try await Task.sleep(for: .milliseconds(300))
            #expect(await f.keys().isEmpty, "a live session's recording is not shipped")

            _ = try await cp.call("TerminateSession", #"{"SessionId":"\#(s.sessionId)"}"#)
            #expect(try await eventually(10) { await f.keys() == [key] })
            let text = String(decoding: try await f.s3.getObject(bucket: f.bucket, key: key), as: UTF8.self)
            #expect(text.hasPrefix("{\"version\": 2") || text.hasPrefix("{\"version\":2"))
            #expect(text.contains("shipped-output-7"))
            #expect(try await f.s3.headObject(bucket: f.bucket, key: key).lockMode == .compliance)
            let shipped = await cp.audit.events.filter { $0.eventName == "ShipSessionRecording" }
            #expect(shipped.count == 1)
            #expect(shipped.first?.sessionId == s.sessionId)
            #expect(shipped.first?.errorCode == nil)
        }
    }

    @Test func anS3OutageIsRetriedWithBackoffCountedAndShippedWhenS3IsBack() async throws {
        try await Self.withFixture(ownMoto: true) { f in
            let server = try await ControlPlaneServer.start(f.dataConfig())
            let shipper = try #require(server.shipper)
            try await f.auditedCall(server)
            await f.moto.stop()
            _ = try #require(try await shipper.sealAndShipAuditSegment())
            #expect(try await eventually(10) { (try? await f.metrics(server))?.contains("gangway_ship_failures_total 3") == true })
            #expect(try await f.metrics(server).contains("gangway_ship_pending 1"))
            #expect(try await eventually { (try? f.auditText())?.contains("S3Unreachable") == true },
                    "the first failed attempt is audited")

            try await f.moto.restart()       // moto starts empty: the bucket comes back a moment later
            try await f.createBucket()
            #expect(try await eventually(10) { await f.keys() == ["t/gw/audit/segment-000001.jsonl"] })
            // The object is visible in S3 a moment before the shipper counts the upload done.
            #expect(try await eventually(5) {
                let c = shipper.counters
                return c.uploads == 1 && c.pending == 0 && c.failures >= 3
            }, "counters: \(shipper.counters)")
            await server.shutdown()
        }
    }

    @Test func aRestartShipsWhatWasNotShippedAndNothingTwice() async throws {
        try await Self.withFixture(ownMoto: true) { f in
            // First run: S3 is down the whole time; a sealed segment and a recording left by a crash stay unshipped.
            await f.moto.stop()
            let first = try await ControlPlaneServer.start(f.dataConfig())
            try await f.auditedCall(first)
            _ = try await first.shipper?.sealAndShipAuditSegment()
            await first.shutdown()
            let recordings = f.dir.appendingPathComponent("recordings")
            try FileManager.default.createDirectory(at: recordings, withIntermediateDirectories: true)
            try Data("{\"version\": 2, \"width\": 80, \"height\": 24}\n[0.5, \"o\", \"left-by-crash\"]\n".utf8)
                .write(to: recordings.appendingPathComponent("alice-0123456789abcdef0.cast"))

            try await f.moto.restart()
            try await f.createBucket()
            let second = try await ControlPlaneServer.start(f.dataConfig())
            let expected = ["t/gw/audit/segment-000001.jsonl", "t/gw/recordings/alice-0123456789abcdef0.cast"]
            #expect(try await eventually(10) { await f.keys() == expected })
            #expect(try await eventually { second.shipper?.counters.uploads == 2 })
            await second.shutdown()

            let third = try await ControlPlaneServer.start(f.dataConfig())
            #expect(await third.shipper?.pendingKeys == [], "shipped.txt remembers what is in the bucket")
            await third.shutdown()
            #expect(third.shipper?.counters.uploads == 0)
        }
    }

    @Test func configFileSection() throws {
        var c = ControlPlaneConfig(dataDir: URL(fileURLWithPath: "/tmp/x"))
        try ConfigFile(text: """
            listen = "127.0.0.1:0"
            [s3]
            bucket = "acme-audit"
            region = "eu-central-1"
            endpoint_url = "http://127.0.0.1:5000"
            prefix = "prod/gw-1/"
            object_lock_mode = "governance"
            retention_days = 30
            seal_interval = 60
            """).apply(to: &c)
        let s3 = try #require(c.s3)
        #expect(s3.bucket == "acme-audit" && s3.region == "eu-central-1" && s3.objectLockMode == .governance)
        #expect(s3.retentionDays == 30 && s3.sealInterval == 60)
        #expect(s3.auditKey(segmentFile: "segment-000002.jsonl") == "prod/gw-1/audit/segment-000002.jsonl")
        #expect(s3.recordingKey(sessionId: "alice-1") == "prod/gw-1/recordings/alice-1.cast")
        for bad in ["[s3]\nregion = \"x\"", "[s3]\nbucket = \"b\"\nobject_lock_mode = \"forever\"",
                    "[s3]\nbucket = \"b\"\nretention = 3", "[s3]\nbucket = \"b\"\nretention_days = -1"] {
            #expect(throws: ControlPlaneConfigError.self) { try ConfigFile(text: bad).apply(to: &c) }
        }
        #expect(ShipBackoff(initial: 1, max: 300).delay(afterFailures: 1) == 1)
        #expect(ShipBackoff(initial: 1, max: 300).delay(afterFailures: 4) == 8)
        #expect(ShipBackoff(initial: 1, max: 300).delay(afterFailures: 40) == 300)
    }
}
