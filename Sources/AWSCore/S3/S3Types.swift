import Foundation

/// Object Lock retention mode. COMPLIANCE: nobody (not even the root user) can delete the version or shorten the
/// retention before the date. GOVERNANCE: principals with `s3:BypassGovernanceRetention` can.
public enum S3ObjectLockMode: String, Sendable, Equatable, CaseIterable {
    case compliance = "COMPLIANCE"
    case governance = "GOVERNANCE"
}

/// Object Lock settings for one PutObject.
public struct S3ObjectLock: Sendable, Equatable {
    public var mode: S3ObjectLockMode
    public var retainUntil: Date

    public init(mode: S3ObjectLockMode, retainUntil: Date) {
        self.mode = mode
        self.retainUntil = retainUntil
    }
}

/// What S3 answered to a PutObject.
public struct S3PutObjectResult: Sendable, Equatable {
    /// Quoted hex MD5 for single-part uploads (as S3 sends it).
    public var etag: String?
    /// Set when the bucket is versioned (always, with Object Lock).
    public var versionId: String?
}

/// HeadObject: size, ETag, version and lock state of the current version.
public struct S3ObjectHead: Sendable, Equatable {
    public var contentLength: Int
    public var etag: String?
    public var versionId: String?
    public var lockMode: S3ObjectLockMode?
    public var retainUntil: Date?
}

/// GetObjectRetention.
public struct S3ObjectRetention: Sendable, Equatable {
    public var mode: S3ObjectLockMode
    public var retainUntil: Date
}

/// One entry of ListObjectsV2.
public struct S3ObjectSummary: Sendable, Equatable {
    public var key: String
    public var size: Int
    public var etag: String?
    public var lastModified: Date?
}

/// An S3 error answer (`<Error><Code>…</Code><Message>…</Message></Error>`) or, for HEAD (no body), the status.
public struct S3Error: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var message: String
    public var status: Int
    public var bucket: String
    public var key: String?

    public init(code: String, message: String, status: Int, bucket: String, key: String?) {
        self.code = code
        self.message = message
        self.status = status
        self.bucket = bucket
        self.key = key
    }

    /// Worth retrying unchanged: throttling and server-side failures.
    public var isTransient: Bool {
        status >= 500 || status == 429 || ["SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable"].contains(code)
    }

    public var description: String {
        let what = key.map { "s3://\(bucket)/\($0)" } ?? "s3://\(bucket)"
        let base = "S3 \(code) (HTTP \(status)) on \(what)\(message.isEmpty ? "" : ": \(message)")"
        switch code {
        case "NoSuchBucket": return base + " — create the bucket (with Object Lock enabled) or fix `bucket` in [s3]"
        case "AccessDenied": return base + " — the credentials need s3:PutObject, s3:PutObjectRetention and s3:ListBucket on it"
        case "InvalidRequest" where message.lowercased().contains("object lock"):
            return base + " — the bucket must be created with Object Lock enabled"
        case "SignatureDoesNotMatch", "InvalidAccessKeyId":
            return base + " — check the AWS credentials gangwayd runs with"
        default: return base
        }
    }

    /// Parses an error body; an empty body (HEAD) gives a code from the status.
    static func parse(status: Int, body: [UInt8], bucket: String, key: String?) -> S3Error {
        let xml = String(decoding: body, as: UTF8.self)
        let code = S3XML.first("Code", in: xml)
        let message = S3XML.first("Message", in: xml)
            ?? (code == nil ? xml.prefix(300).trimmingCharacters(in: .whitespacesAndNewlines) : "")
        let fallback: String
        switch status {
        case 404: fallback = key == nil ? "NoSuchBucket" : "NotFound"
        case 403: fallback = "AccessDenied"
        case 400: fallback = "BadRequest"
        case 500...599: fallback = "InternalError"
        default: fallback = "HTTP\(status)"
        }
        return S3Error(code: code ?? fallback, message: message, status: status, bucket: bucket, key: key)
    }
}
