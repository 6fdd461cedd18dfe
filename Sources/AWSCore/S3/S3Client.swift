import Crypto
import Foundation

/// A small S3 client (SigV4 with service `s3`, libcurl): the calls gangwayd needs to ship its audit segments and
/// session recordings into an Object Lock bucket.
///
/// ```swift
/// let s3 = S3Client(settings: try AWSClientSettings.resolve(service: "s3", endpointURL: "http://127.0.0.1:5000"))
/// let put = try await s3.putObject(bucket: "audit", key: "gw/audit/segment-000001.jsonl", body: bytes,
///                                  lock: S3ObjectLock(mode: .compliance, retainUntil: Date() + 86_400 * 365))
/// let r = try await s3.getObjectRetention(bucket: "audit", key: "gw/audit/segment-000001.jsonl")
/// ```
/// Error answers throw `S3Error`; no answer at all throws `HTTPClientError`.
public struct S3Client: Sendable {
    public enum Addressing: Sendable, Equatable {
        /// `https://ENDPOINT/BUCKET/KEY` — for custom endpoints (moto, MinIO) and bucket names with dots.
        case path
        /// `https://BUCKET.s3.REGION.amazonaws.com/KEY` — AWS's default.
        case virtualHost
    }

    public var settings: AWSClientSettings
    public var http: HTTPClient
    public var addressing: Addressing
    public var clock: @Sendable () -> Date

    /// `addressing` defaults to path style for a custom endpoint, virtual-host style for AWS.
    public init(settings: AWSClientSettings, http: HTTPClient = HTTPClient(), addressing: Addressing? = nil,
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.settings = settings
        self.http = http
        self.addressing = addressing ?? (settings.endpointIsCustom ? .path : .virtualHost)
        self.clock = clock
    }

    // MARK: operations

    /// PutObject. With `lock`, sends `x-amz-object-lock-mode` / `-retain-until-date`; always sends `Content-MD5` and
    /// `x-amz-checksum-sha256` (S3 requires one of them for Object Lock puts; S3 checks both against the body).
    @discardableResult
    public func putObject(bucket: String, key: String, body: [UInt8], contentType: String = "application/octet-stream",
                          lock: S3ObjectLock? = nil) async throws -> S3PutObjectResult {
        var headers: [(String, String)] = [
            ("Content-Type", contentType),
            ("Content-MD5", Data(Insecure.MD5.hash(data: body)).base64EncodedString()),
            ("x-amz-checksum-sha256", Data(SHA256.hash(data: body)).base64EncodedString()),
            ("x-amz-sdk-checksum-algorithm", "SHA256"),
        ]
        if let lock {
            headers.append(("x-amz-object-lock-mode", lock.mode.rawValue))
            headers.append(("x-amz-object-lock-retain-until-date", S3XML.timestamp(lock.retainUntil)))
        }
        let r = try await send("PUT", bucket: bucket, key: key, headers: headers, body: body)
        return S3PutObjectResult(etag: r.header("ETag"), versionId: r.header("x-amz-version-id"))
    }

    /// HeadObject; throws `S3Error` with code `NotFound` when the key does not exist.
    public func headObject(bucket: String, key: String) async throws -> S3ObjectHead {
        let r = try await send("HEAD", bucket: bucket, key: key)
        return S3ObjectHead(contentLength: Int(r.header("Content-Length") ?? "") ?? 0, etag: r.header("ETag"),
                            versionId: r.header("x-amz-version-id"),
                            lockMode: r.header("x-amz-object-lock-mode").flatMap(S3ObjectLockMode.init(rawValue:)),
                            retainUntil: r.header("x-amz-object-lock-retain-until-date").flatMap(S3XML.date))
    }

    /// GetObject: the bytes of the current version (or of `versionId`).
    public func getObject(bucket: String, key: String, versionId: String? = nil) async throws -> [UInt8] {
        try await send("GET", bucket: bucket, key: key, query: versionId.map { [("versionId", $0)] } ?? []).body
    }

    /// GetObjectRetention (`GET /KEY?retention`) of the current version, or of `versionId`.
    public func getObjectRetention(bucket: String, key: String, versionId: String? = nil) async throws -> S3ObjectRetention {
        var query = [("retention", "")]
        if let versionId { query.append(("versionId", versionId)) }
        let r = try await send("GET", bucket: bucket, key: key, query: query)
        let xml = r.bodyText
        guard let mode = S3XML.first("Mode", in: xml).flatMap(S3ObjectLockMode.init(rawValue:)),
              let until = S3XML.first("RetainUntilDate", in: xml).flatMap(S3XML.date) else {
            // moto_server 5.x does not implement GetObjectRetention and answers with the object itself; HeadObject's
            // x-amz-object-lock-* headers carry the same facts there.
            throw S3Error(code: "MalformedRetention",
                          message: "the answer is not a <Retention> document (does this S3 implement GetObjectRetention? "
                            + "headObject reports the lock too): \(xml.prefix(120))",
                          status: r.status, bucket: bucket, key: key)
        }
        return S3ObjectRetention(mode: mode, retainUntil: until)
    }

    /// ListObjectsV2 under `prefix`, following continuation tokens (up to `limit` keys).
    public func listObjects(bucket: String, prefix: String = "", limit: Int = 100_000) async throws -> [S3ObjectSummary] {
        var out: [S3ObjectSummary] = []
        var token: String?
        repeat {
            var query = [("list-type", "2"), ("prefix", prefix)]
            if let token { query.append(("continuation-token", token)) }
            let xml = try await send("GET", bucket: bucket, key: nil, query: query).bodyText
            for block in S3XML.blocks("Contents", in: xml) {
                guard let key = S3XML.first("Key", in: block) else { continue }
                out.append(S3ObjectSummary(key: key, size: Int(S3XML.first("Size", in: block) ?? "") ?? 0,
                                           etag: S3XML.first("ETag", in: block),
                                           lastModified: S3XML.first("LastModified", in: block).flatMap(S3XML.date)))
            }
            token = S3XML.first("IsTruncated", in: xml) == "true" ? S3XML.first("NextContinuationToken", in: xml) : nil
        } while token != nil && out.count < limit
        return out
    }

    /// CreateBucket, optionally with Object Lock enabled (which also turns on versioning).
    public func createBucket(_ bucket: String, objectLockEnabled: Bool = false) async throws {
        var headers: [(String, String)] = []
        if objectLockEnabled { headers.append(("x-amz-bucket-object-lock-enabled", "true")) }
        var body: [UInt8] = []
        if settings.region != "us-east-1" {
            body = Array("""
                <CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\
                <LocationConstraint>\(S3XML.escape(settings.region))</LocationConstraint></CreateBucketConfiguration>
                """.utf8)
            headers.append(("Content-Type", "application/xml"))
        }
        _ = try await send("PUT", bucket: bucket, key: nil, headers: headers, body: body)
    }

    /// DeleteObject (a version, when `versionId` is given). Object Lock refuses this for a retained version.
    public func deleteObject(bucket: String, key: String, versionId: String? = nil) async throws {
        _ = try await send("DELETE", bucket: bucket, key: key, query: versionId.map { [("versionId", $0)] } ?? [])
    }

    // MARK: plumbing

    /// The URL of `bucket`/`key` with `query` (names and values encoded the SigV4 way).
    public func url(bucket: String, key: String?, query: [(String, String)] = []) -> String {
        let base = settings.endpointURL.hasSuffix("/") ? String(settings.endpointURL.dropLast()) : settings.endpointURL
        let encodedKey = key.map { "/" + SigV4Canonical.uriEncode($0, keepSlash: true) } ?? "/"
        var url: String
        if addressing == .virtualHost, !bucket.contains("."), let sep = base.range(of: "://") {
            url = base[..<sep.upperBound] + bucket + "." + base[sep.upperBound...] + encodedKey
        } else {
            url = base + "/" + SigV4Canonical.uriEncode(bucket) + (key == nil ? "" : encodedKey)
        }
        if !query.isEmpty {
            url += "?" + query.map { $0.1.isEmpty && $0.0 == "retention" ? $0.0
                                     : SigV4Canonical.uriEncode($0.0) + "=" + SigV4Canonical.uriEncode($0.1) }
                .joined(separator: "&")
        }
        return url
    }

    func send(_ method: String, bucket: String, key: String?, query: [(String, String)] = [],
              headers: [(String, String)] = [], body: [UInt8] = []) async throws -> HTTPResponse {
        let target = url(bucket: bucket, key: key, query: query)
        let signer = SigV4Signer(credentials: settings.credentials, region: settings.region, service: "s3")
        let auth = try signer.signingHeaders(method: method, url: target, headers: headers, body: body, date: clock())
        let r = try await http.execute(HTTPRequest(method: method, url: target, headers: headers + auth, body: body))
        guard (200..<300).contains(r.status) else {
            throw S3Error.parse(status: r.status, body: r.body, bucket: bucket, key: key)
        }
        return r
    }
}
