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

    /// The process's shared moto (never stopped here; each test uses its own bucket names).
    func withMoto(_ body: (MotoServer) async throws -> Void) async throws {
        try await body(try #require(try await MotoServer.shared()))
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
            try await s3.createBucket("s3c-audit", objectLockEnabled: true)
            let body = Array("{\"seq\":1}\n{\"seq\":2}\n".utf8)
            let key = "prod/audit/segment 000001 é.jsonl"  // spaces and non-ASCII survive signing and the path
            let until = Date().addingTimeInterval(86_400 * 30)
            let put = try await s3.putObject(bucket: "s3c-audit", key: key, body: body, contentType: "application/x-ndjson",
                                             lock: S3ObjectLock(mode: .compliance, retainUntil: until))
            let version = try #require(put.versionId, "an Object Lock bucket is versioned")

            // moto 5.x has no GetObjectRetention (see retentionAndListingWireFormat); HeadObject carries the lock.
            let head = try await s3.headObject(bucket: "s3c-audit", key: key)
            #expect(head.contentLength == body.count)
            #expect(head.versionId == version)
            #expect(head.lockMode == .compliance)
            #expect(abs((head.retainUntil ?? .distantPast).timeIntervalSince(until)) < 2)
            #expect(try await s3.getObject(bucket: "s3c-audit", key: key) == body)

            let listed = try await s3.listObjects(bucket: "s3c-audit", prefix: "prod/audit/")
            #expect(listed.map(\.key) == [key])
            #expect(listed.first?.size == body.count)
            #expect(try await s3.listObjects(bucket: "s3c-audit", prefix: "other/").isEmpty)

            let refused = await s3Error { try await s3.deleteObject(bucket: "s3c-audit", key: key, versionId: version) }
            #expect(refused?.code == "AccessDenied")
            #expect(refused?.status == 403)
            // Still there, still locked.
            #expect(try await s3.headObject(bucket: "s3c-audit", key: key).lockMode == .compliance)
        }
    }

    @Test func governanceModeAndUsEast1BucketWithoutLocationConstraint() async throws {
        try await withMoto { moto in
            let s3 = client(moto, region: "us-east-1")
            try await s3.createBucket("s3c-rec", objectLockEnabled: true)
            try await s3.putObject(bucket: "s3c-rec", key: "r/alice-1.cast", body: Array("x".utf8),
                                   lock: S3ObjectLock(mode: .governance, retainUntil: Date().addingTimeInterval(3600)))
            #expect(try await s3.headObject(bucket: "s3c-rec", key: "r/alice-1.cast").lockMode == .governance)
        }
    }

    @Test func s3XMLErrorsNameTheCodeAndWhatToDo() async throws {
        try await withMoto { moto in
            let s3 = client(moto)
            let noBucket = await s3Error { try await s3.putObject(bucket: "s3c-missing", key: "k", body: [1]) }
            #expect(noBucket?.code == "NoSuchBucket")
            #expect(noBucket?.description.contains("create the bucket") == true)

            try await s3.createBucket("s3c-plain")
            let notFound = await s3Error { _ = try await s3.headObject(bucket: "s3c-plain", key: "nope") }
            #expect(notFound?.code == "NotFound")
            #expect(notFound?.status == 404)

            // Object Lock headers on a bucket created without Object Lock are refused.
            let unlocked = await s3Error {
                try await s3.putObject(bucket: "s3c-plain", key: "k", body: [1],
                                       lock: S3ObjectLock(mode: .compliance, retainUntil: Date().addingTimeInterval(60)))
            }
            #expect(unlocked?.code == "InvalidRequest")
            #expect(unlocked?.status == 400)

            // No server at all: a transport failure is an HTTPClientError, not an S3Error.
            let nobody = S3Client(settings: AWSClientSettings(credentials: Self.credentials, region: "eu-west-1",
                                                              endpointURL: "http://127.0.0.1:\(try MotoServer.freePort())"))
            await #expect(throws: HTTPClientError.self) { try await nobody.listObjects(bucket: "s3c-plain") }
        }
    }

    /// GetObjectRetention and ListObjectsV2 paging as AWS documents them, from a loopback server (moto 5.x lacks
    /// GetObjectRetention and pages rarely); also what the client signs and sends.
    @Test func retentionAndListingWireFormat() async throws {
        let server = try LoopbackHTTPServer { req in
            if req.query.hasPrefix("retention") {
                return .init(headers: [("Content-Type", "application/xml")], body: Array("""
                    <?xml version="1.0" encoding="UTF-8"?>
                    <Retention xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Mode>GOVERNANCE</Mode>\
                    <RetainUntilDate>2027-01-02T03:04:05.000Z</RetainUntilDate></Retention>
                    """.utf8))
            }
            if req.query.contains("continuation-token=t%2B1") {
                return .init(headers: [], body: Array("""
                    <ListBucketResult><IsTruncated>false</IsTruncated>\
                    <Contents><Key>p/b&amp;c</Key><Size>7</Size><ETag>&quot;ab&quot;</ETag></Contents></ListBucketResult>
                    """.utf8))
            }
            if req.query.hasPrefix("list-type=2") {
                return .init(headers: [], body: Array("""
                    <ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>t+1</NextContinuationToken>\
                    <Contents><Key>p/a</Key><Size>3</Size></Contents></ListBucketResult>
                    """.utf8))
            }
            return .init(status: 403, headers: [], body: Array("""
                <Error><Code>AccessDenied</Code><Message>no &lt;s3:PutObject&gt;</Message></Error>
                """.utf8))
        }
        defer { server.stop() }
        let s3 = S3Client(settings: AWSClientSettings(credentials: Self.credentials, region: "eu-west-1",
                                                      endpointURL: "http://127.0.0.1:\(server.port)"))
        let r = try await s3.getObjectRetention(bucket: "b", key: "k")
        #expect(r.mode == .governance)
        #expect(r.retainUntil == Date(timeIntervalSince1970: 1_798_859_045))
        #expect(try await s3.listObjects(bucket: "b", prefix: "p/").map(\.key) == ["p/a", "p/b&c"])
        let denied = await s3Error { try await s3.putObject(bucket: "b", key: "k", body: [1, 2],
                                                            lock: S3ObjectLock(mode: .compliance, retainUntil: Date())) }
        #expect(denied?.code == "AccessDenied" && denied?.message == "no <s3:PutObject>")
        #expect(denied?.description.contains("s3:PutObjectRetention") == true)

        let put = try #require(server.requests.last)
        #expect(put.method == "PUT" && put.path == "/b/k")
        #expect(put.header("Content-MD5") == "DLmI0EKn8o3V/itVs/Wseg==")  // base64(md5(01 02)) = 0cb988d0…
        #expect(put.header("x-amz-sdk-checksum-algorithm") == "SHA256")
        #expect(put.header("x-amz-checksum-sha256") != nil)
        #expect(put.header("x-amz-content-sha256") == SigV4Canonical.sha256Hex([1, 2] as [UInt8]))
        #expect(put.header("x-amz-object-lock-mode") == "COMPLIANCE")
        #expect(put.header("Authorization")?.contains("/eu-west-1/s3/aws4_request") == true)
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
                == "http://127.0.0.1:5000/b?list-type=2&prefix=a%2F")
    }
}
