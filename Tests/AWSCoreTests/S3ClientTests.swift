import AWSCore
import Foundation
import GangwayTesting
import Testing

/// `S3Client` against a real `moto_server` on 127.0.0.1 (a free port): Object Lock puts, retention read-back,
/// refused deletes, listing, and S3's XML errors.
@Suite(.enabled(if: MotoServer.isAvailable, "moto_server not installed: run `bash .ci/deps --test` (pip moto[server])"))
struct S3ClientTests {
    static let credentials = AWSCredentials(accessKeyId: "AKIAGANGWAYTEST00001", secretAccessKey: "test-secret")

    func client(_ moto: MotoServer, region: String = "eu-west-1") -> S3Client {
        S3Client(settings: AWSClientSettings(credentials: Self.credentials, region: region, endpointURL: moto.endpoint))
    }

    func withMoto(_ body: (MotoServer) async throws -> Void) async throws {
        let moto = try #require(try MotoServer.start())
        defer { moto.stop() }
        try await body(moto)
    }

    func s3Error(_ body: () async throws -> Void) async -> S3Error? {
        do { try await body(); return nil } catch let e as S3Error { return e } catch {
            Issue.record("expected an S3Error, got \(error)")
            return nil
        }
    }

    @Test func compliancePutIsRetainedReadableAndCannotBeDeleted() async throws {
        try await withMoto { moto in
            let s3 = client(moto)
            try await s3.createBucket("gw-audit", objectLockEnabled: true)
            let body = Array("{\"seq\":1}\n{\"seq\":2}\n".utf8)
            let key = "prod/audit/segment 000001 é.jsonl"  // spaces and non-ASCII survive signing and the path
            let until = Date().addingTimeInterval(86_400 * 30)
            let put = try await s3.putObject(bucket: "gw-audit", key: key, body: body, contentType: "application/x-ndjson",
                                             lock: S3ObjectLock(mode: .compliance, retainUntil: until))
            let version = try #require(put.versionId, "an Object Lock bucket is versioned")

            let retention = try await s3.getObjectRetention(bucket: "gw-audit", key: key)
            #expect(retention.mode == .compliance)
            #expect(abs(retention.retainUntil.timeIntervalSince(until)) < 2)

            let head = try await s3.headObject(bucket: "gw-audit", key: key)
            #expect(head.contentLength == body.count)
            #expect(head.versionId == version)
            #expect(head.lockMode == .compliance)

            let listed = try await s3.listObjects(bucket: "gw-audit", prefix: "prod/audit/")
            #expect(listed.map(\.key) == [key])
            #expect(listed.first?.size == body.count)
            #expect(try await s3.listObjects(bucket: "gw-audit", prefix: "other/").isEmpty)

            let refused = await s3Error { try await s3.deleteObject(bucket: "gw-audit", key: key, versionId: version) }
            #expect(refused?.code == "AccessDenied")
            #expect(refused?.status == 403)
            // Still there, still locked.
            #expect(try await s3.getObjectRetention(bucket: "gw-audit", key: key, versionId: version).mode == .compliance)
        }
    }

    @Test func governanceModeAndUsEast1BucketWithoutLocationConstraint() async throws {
        try await withMoto { moto in
            let s3 = client(moto, region: "us-east-1")
            try await s3.createBucket("gw-rec", objectLockEnabled: true)
            try await s3.putObject(bucket: "gw-rec", key: "r/alice-1.cast", body: Array("x".utf8),
                                   lock: S3ObjectLock(mode: .governance, retainUntil: Date().addingTimeInterval(3600)))
            #expect(try await s3.getObjectRetention(bucket: "gw-rec", key: "r/alice-1.cast").mode == .governance)
        }
    }

    @Test func s3XMLErrorsNameTheCodeAndWhatToDo() async throws {
        try await withMoto { moto in
            let s3 = client(moto)
            let noBucket = await s3Error { try await s3.putObject(bucket: "missing", key: "k", body: [1]) }
            #expect(noBucket?.code == "NoSuchBucket")
            #expect(noBucket?.description.contains("create the bucket") == true)

            try await s3.createBucket("plain")
            let notFound = await s3Error { _ = try await s3.headObject(bucket: "plain", key: "nope") }
            #expect(notFound?.code == "NotFound")
            #expect(notFound?.status == 404)

            // Object Lock headers on a bucket created without Object Lock are refused.
            let unlocked = await s3Error {
                try await s3.putObject(bucket: "plain", key: "k", body: [1],
                                       lock: S3ObjectLock(mode: .compliance, retainUntil: Date().addingTimeInterval(60)))
            }
            #expect(unlocked?.code == "InvalidRequest")
            #expect(unlocked?.status == 400)

            let wrongKey = S3Client(settings: AWSClientSettings(credentials: AWSCredentials(accessKeyId: "x", secretAccessKey: "y"),
                                                                region: "eu-west-1", endpointURL: moto.endpoint))
            // moto accepts any key; a transport failure is an HTTPClientError, not an S3Error.
            moto.stop()
            await #expect(throws: HTTPClientError.self) { try await wrongKey.listObjects(bucket: "plain") }
        }
    }

    @Test func addressingStyles() {
        let aws = S3Client(settings: AWSClientSettings(credentials: Self.credentials, region: "eu-west-1",
                                                       endpointURL: "https://s3.eu-west-1.amazonaws.com", endpointIsCustom: false))
        #expect(aws.addressing == .virtualHost)
        #expect(aws.url(bucket: "b", key: "a b/c+d.cast") == "https://b.s3.eu-west-1.amazonaws.com/a%20b/c%2Bd.cast")
        #expect(aws.url(bucket: "with.dots", key: "k") == "https://s3.eu-west-1.amazonaws.com/with.dots/k")
        let moto = S3Client(settings: AWSClientSettings(credentials: Self.credentials, region: "eu-west-1",
                                                        endpointURL: "http://127.0.0.1:5000"))
        #expect(moto.addressing == .path)
        #expect(moto.url(bucket: "b", key: "p/k", query: [("retention", "")]) == "http://127.0.0.1:5000/b/p/k?retention")
        #expect(moto.url(bucket: "b", key: nil, query: [("list-type", "2"), ("prefix", "a/")])
                == "http://127.0.0.1:5000/b/?list-type=2&prefix=a%2F")
    }
}
